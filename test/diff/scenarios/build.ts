/** build with the legacy builder (the docker CLI with DOCKER_BUILDKIT=0, as dockerd 20.10 builds by default). */
import type { Scenario } from '../harness.js';

const B = 'DOCKER_BUILDKIT=0 docker build';

export const build: Scenario[] = [
  {
    name: 'build: WORKDIR keeps its trailing slash',
    script: `
      printf 'FROM busybox\\nWORKDIR /go/src/build/\\nWORKDIR rel\\nENV A=1\\n' > Dockerfile
      ${B} -q -t w:1 . 2>/dev/null | wc -l
      docker inspect -f '{{.Config.WorkingDir}} {{.Config.Env}}' w:1
      docker history --no-trunc --format '{{.CreatedBy}}' w:1
    `,
  },
  {
    name: 'build: RUN in an image without a shell fails in dockerd\'s words',
    script: `
      mkdir r && echo one > r/one && tar -cf r.tar -C r one
      docker import r.tar noshell:1 > /dev/null
      printf 'FROM noshell:1\\nRUN echo a\\n' > Dockerfile
      ${B} -q --network none .
      printf 'FROM noshell:1\\nRUN ["/nosuch"]\\n' > Dockerfile
      ${B} -q --network none .
    `,
  },
  {
    name: 'build: parse errors',
    script: `
      mkdir a b c d
      printf 'FROM busybox\\nRUN true\\nBOGUS x\\n' > a/Dockerfile
      ${B} -q a
      printf 'FROM busybox\\n\\nENV ONLYKEY\\n' > b/Dockerfile
      ${B} -q b
      printf 'RUN true\\n' > c/Dockerfile
      ${B} -q c
      printf 'FROM busybox\\nCOPY nosuch /x\\n' > d/Dockerfile
      ${B} -q d
      ${B} -q nosuchdir
    `,
  },
  {
    name: 'build: instruction flag errors in the 20.10 parser\'s words',
    script: `
      printf 'FROM busybox\\nCOPY --bogus=1 --from=a --from=b a b\\n' > Dockerfile
      ${B} -q .
      printf 'FROM busybox\\nCOPY --from=a --from=b a b\\n' > Dockerfile
      ${B} -q .
      printf 'FROM busybox\\nCOPY --chown a b\\n' > Dockerfile
      ${B} -q .
    `,
  },
  {
    name: 'build: empty continuation lines warn on the error stream',
    script: `
      printf 'FROM busybox\\nENV A=a \\\\\\n\\n  B=b\\nLABEL c=c \\\\\\n  \\n d=d\\n' > Dockerfile
      ${B} . | grep -v -e '^ --->' -e '^Removing'
    `,
  },
  {
    name: 'build: empty CMD, ENTRYPOINT and RUN',
    script: `
      printf 'FROM busybox\\nCMD\\nENTRYPOINT []\\n' > Dockerfile
      ${B} -q -t e:1 . >/dev/null
      docker inspect -f '{{json .Config.Cmd}} {{json .Config.Entrypoint}}' e:1
      docker history --no-trunc --format '{{.CreatedBy}}' e:1 | head -2
      printf 'FROM busybox\\nRUN []\\n' > Dockerfile
      ${B} -q -t e:2 . >/dev/null
      docker history --no-trunc --format '{{.CreatedBy}}' e:2 | head -1
      printf 'FROM scratch\\nRUN []\\n' > Dockerfile
      ${B} -q .
      # The shell's complaint comes in one write or two: only the status is compared.
      printf 'FROM busybox\\nRUN\\n' > Dockerfile
      ${B} -q . 2>/dev/null
    `,
  },
  {
    name: 'build: symlinks leading out of the context are kept, and followed within it',
    script: `
      mkdir -p c/etc && echo inside > c/etc/passwd && ln -s ../../x c/up && ln -s /etc/passwd c/abs
      printf 'FROM busybox\\nCOPY . /c/\\nCOPY abs /abs\\nRUN readlink /c/up && cat /abs\\nCOPY up /up\\n' > c/Dockerfile
      ${B} c 2>&1 | grep -v -e '^ --->' -e '^Removing' -e '^Sending'
    `,
  },
  {
    name: 'build: COPY patterns with - and non-ASCII names',
    script: `
      mkdir -p ctx/sub && echo 1 > ctx/a-b.txt && echo 2 > ctx/élan-x.txt && echo 3 > ctx/sub/c-d.txt && echo 4 > 'ctx/[x].txt'
      printf 'FROM busybox\\nCOPY *-*.txt /dst/\\nCOPY sub/c-?.txt /dst2/\\nCOPY é* /dst3/\\n' > ctx/Dockerfile
      ${B} -q -t cp:1 ctx 2>/dev/null | wc -l
      docker run --rm --network none cp:1 sh -c 'ls /dst /dst2 /dst3'
    `,
  },
  {
    name: 'build: a RUN on the host network sees the host name, which resolves',
    script: `
      printf 'FROM busybox\\nRUN test "$(hostname)" = "$(cat /etc/hostname)" && ping -c1 -W2 "$(hostname)" >/dev/null && echo resolves\\n' > Dockerfile
      ${B} --no-cache --network host . 2>/dev/null | grep -x resolves
    `,
  },
  {
    name: 'build: output, RUN, cache and tags',
    script: `
      echo hi > f
      printf 'FROM busybox\\nCOPY f /f\\nRUN cat /f > /g\\nCMD ["cat", "/g"]\\n' > Dockerfile
      ${B} --network none -t bo:1 . 2>/dev/null | grep -v -e '^ ---> ' -e '^Removing intermediate'
      ${B} --network none -t bo:2 -t bo:3 . 2>/dev/null | grep -c 'Using cache'
      docker run --rm --network none bo:1
      docker images --format '{{.Repository}}:{{.Tag}}' bo | sort
      docker history --format '{{.CreatedBy}}' bo:1
    `,
  },
  {
    name: 'build: COPY checksums in history (file, dir, several, wildcard, the context root)',
    script: `
      mkdir -p d/e && echo x > d/x && echo y > d/e/y && ln d/x d/hard && ln -s x d/sym && echo a > a1 && echo b > a2 && chmod 600 a2 && chmod 1777 d/e
      printf 'FROM busybox\\nCOPY a1 /one\\nCOPY d /d\\nCOPY a1 a2 /many/\\nCOPY a* /glob/\\nCOPY . /all\\n' > Dockerfile
      ${B} -q -t sums:1 . 2>/dev/null | wc -l
      mkdir -p e/sub && echo z > e/z && ln -s z e/ok && ln -s nowhere e/dangling && ln -s ../../a1 e/sub/up && ln -s sub e/dirlink
      printf 'FROM busybox\\nCOPY e /e\\n' > e.Dockerfile
      ${B} -q -f e.Dockerfile -t sums:2 . 2>/dev/null | wc -l
      # Split so the checksums are compared as they are, not normalized as IDs.
      docker history --no-trunc --format '{{.CreatedBy}}' sums:1 | head -5 | sed -E 's/([0-9a-f]{32})([0-9a-f]{32})/\\1 \\2/'
      docker history --no-trunc --format '{{.CreatedBy}}' sums:2 | head -1 | sed -E 's/([0-9a-f]{32})([0-9a-f]{32})/\\1 \\2/'
    `,
  },
];
