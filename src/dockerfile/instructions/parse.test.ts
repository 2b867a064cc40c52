import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocationError } from '../../errdefs/index.js';
import { parse } from '../parser/parser.js';
import { parseInstruction, parseTrigger } from './parse.js';
import { runScript } from './run.js';
import type { Command } from './types.js';

/** The typed instructions of a Dockerfile text. */
function cmds(text: string): Command[] {
  return parse(text, 'Dockerfile').children.map((n) => parseInstruction(n, 'Dockerfile'));
}

function one<K extends Command['kind']>(text: string, kind: K): Extract<Command, { kind: K }> {
  const c = cmds(text).find((x) => x.kind === kind);
  assert.ok(c, `no ${kind}`);
  return c as Extract<Command, { kind: K }>;
}

function error(text: string): LocationError {
  try {
    cmds(text);
  } catch (e) {
    assert.ok(e instanceof LocationError, String(e));
    return e;
  }
  assert.fail('no error');
}

describe('typed instructions', () => {
  it('FROM: image, platform, stage name (AS is case-insensitive, name lower-cased)', () => {
    const f = one('FROM --platform=$BUILDPLATFORM golang:1.22 As Build\n', 'FROM');
    assert.equal(f.image, 'golang:1.22');
    assert.equal(f.platform, '$BUILDPLATFORM');
    assert.equal(f.stageName, 'build');
    assert.deepEqual(f.location, { file: 'Dockerfile', startLine: 1, endLine: 1 });
    assert.equal(f.original, 'FROM --platform=$BUILDPLATFORM golang:1.22 As Build');
    assert.equal(error('FROM a b\n').message, 'dockerfile parse error line 1: FROM requires either one or three arguments');
    assert.match(error('FROM a AS 1x\n').message, /invalid name for build stage: "1x", name can't start with a number/);
    assert.equal(error('FROM --pltform=x a\n').message, 'dockerfile parse error line 1: Unknown flag: pltform');
  });

  it('unknown instructions, in Docker\'s words', () => {
    const e = error('FROM busybox\n\nCOPPY a b\n');
    assert.equal(e.message, 'dockerfile parse error line 3: unknown instruction: COPPY');
    assert.equal(e.line, 3);
  });

  it('RUN: shell and exec form, mounts, network, security, heredoc files', () => {
    const r = one('RUN --mount=type=cache,target=/root/.cache,sharing=locked --mount=type=secret,id=tok,required --network=none --security=insecure make\n', 'RUN');
    assert.deepEqual([r.prependShell, r.cmdLine], [true, ['make']]);
    assert.equal(r.network, 'none');
    assert.equal(r.security, 'insecure');
    assert.deepEqual(r.mounts, [
      { type: 'cache', target: '/root/.cache', sharing: 'locked', readOnly: false, required: false },
      { type: 'secret', id: 'tok', required: true, readOnly: true },
    ]);
    const exec = one('RUN ["echo", "a b"]\n', 'RUN');
    assert.deepEqual([exec.prependShell, exec.cmdLine, exec.network, exec.security], [false, ['echo', 'a b'], 'default', 'sandbox']);
    const bind = one('RUN --mount=from=build,source=/out,target=/in,rw make\n', 'RUN');
    assert.deepEqual(bind.mounts, [{ type: 'bind', from: 'build', source: '/out', target: '/in', readOnly: false, required: false }]);
    const tmp = one('RUN --mount=type=tmpfs,target=/t,size=64m --mount=type=ssh,mode=0600,uid=1 x\n', 'RUN');
    assert.deepEqual([tmp.mounts[0]!.sizeLimit, tmp.mounts[1]!.mode, tmp.mounts[1]!.uid], [64 * 1024 * 1024, 0o600, 1]);
    assert.match(error('RUN --network=bridge x\n').message, /invalid network mode "bridge"/);
    assert.match(error('RUN --security=weird x\n').message, /security "weird" is not valid/);
    assert.match(error('RUN --mount=from=$X x\n').message, /'from' doesn't support variable expansion/);
    assert.match(error('RUN --mount=target=a\\"b x\n').message, /failed to parse csv mounts/);
    const lenient = one('RUN --mount=type=$T,target=/x --mount=type=nfs,size=x y\n', 'RUN');
    assert.equal(lenient.mounts[0]!.target, '/x', 'mounts are checked when the step runs (expandCommand), as Docker does');
    assert.deepEqual(lenient.mounts[1], { type: 'bind', readOnly: true, required: false });
  });

  it('RUN heredocs: inline files and what runs', () => {
    const r = one('RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n', 'RUN');
    assert.deepEqual(r.files.map((f) => [f.name, f.data]), [['EOF', '#!/usr/bin/env python3\nprint(1)\n']]);
    assert.deepEqual(runScript(r), { cmdLine: ['/dev/pipes/EOF'], prependShell: true, executable: r.files[0] });
    const plain = one('RUN <<-EOF\n\techo hi\n\tEOF\n', 'RUN');
    assert.deepEqual(runScript(plain), { cmdLine: ['echo hi\n'], prependShell: true });
    const mixed = one('RUN cat <<A > /a\nx\nA\n', 'RUN');
    assert.deepEqual(runScript(mixed), { cmdLine: ['cat <<A > /a\nx\nA'], prependShell: true });
  });

  it('CMD, ENTRYPOINT, SHELL as {prependShell, cmdLine}', () => {
    assert.deepEqual(
      cmds('CMD echo $HOME\nCMD ["a"]\nENTRYPOINT []\nSHELL ["/bin/bash", "-c"]\n').map((c) => 'cmdLine' in c && [c.kind, c.prependShell, c.cmdLine]),
      [['CMD', true, ['echo $HOME']], ['CMD', false, ['a']], ['ENTRYPOINT', false, []], ['SHELL', false, ['/bin/bash', '-c']]],
    );
    assert.equal(error('SHELL /bin/bash -c\n').message, 'dockerfile parse error line 1: SHELL requires the arguments to be in JSON form');
    assert.equal(error('SHELL []\n').message, 'dockerfile parse error line 1: SHELL requires at least one argument');
  });

  it('HEALTHCHECK: durations in nanoseconds, NONE, CMD-SHELL', () => {
    const h = one('HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --start-interval=1.5s --retries=3 CMD curl -f http://x/\n', 'HEALTHCHECK');
    assert.deepEqual(h.health, {
      test: ['CMD-SHELL', 'curl -f http://x/'], interval: 90e9, timeout: 500e6, startPeriod: 2e9, startInterval: 1.5e9, retries: 3,
    });
    assert.equal(h.none, false);
    assert.deepEqual(one('HEALTHCHECK CMD ["true"]\n', 'HEALTHCHECK').health.test, ['CMD', 'true']);
    const none = one('healthcheck none\n', 'HEALTHCHECK');
    assert.deepEqual([none.none, none.health.test, none.health.interval], [true, ['NONE'], 0]);
    assert.equal(error('HEALTHCHECK NONE x\n').message, 'dockerfile parse error line 1: HEALTHCHECK NONE takes no arguments');
    assert.equal(error('HEALTHCHECK CONNECT x\n').message, 'dockerfile parse error line 1: Unknown type "CONNECT" in HEALTHCHECK (try CMD)');
    assert.equal(error('HEALTHCHECK CMD\n').message, 'dockerfile parse error line 1: Missing command after HEALTHCHECK CMD');
    assert.equal(error('HEALTHCHECK --interval=1us CMD x\n').message, 'dockerfile parse error line 1: Interval "interval" cannot be less than 1ms');
    assert.equal(error('HEALTHCHECK --timeout=5 CMD x\n').message, 'dockerfile parse error line 1: time: missing unit in duration "5"');
    assert.equal(error('HEALTHCHECK --retries=-1 CMD x\n').message, 'dockerfile parse error line 1: --retries cannot be negative (-1)');
  });

  it('ENV and LABEL in both syntaxes; ARG with optional defaults', () => {
    assert.deepEqual(one('ENV a b c\n', 'ENV').pairs, [{ key: 'a', value: 'b c', legacy: true }]);
    assert.deepEqual(one('ENV k=v k2="v 2"\n', 'ENV').pairs, [{ key: 'k', value: 'v', legacy: false }, { key: 'k2', value: '"v 2"', legacy: false }]);
    assert.deepEqual(one('LABEL "com.x"="y" z=1\n', 'LABEL').pairs.map((p) => [p.key, p.value]), [['"com.x"', '"y"'], ['z', '1']]);
    assert.deepEqual(one('ARG a b=2 c=\n', 'ARG').args, [{ key: 'a' }, { key: 'b', value: '2' }, { key: 'c', value: '' }]);
    assert.equal(error('ENV =x\n').message, 'dockerfile parse error line 1: ENV names can not be blank');
    assert.equal(error('ARG =x\n').message, 'dockerfile parse error line 1: ARG names can not be blank');
    assert.equal(error('ARG\n').message, 'dockerfile parse error line 1: ARG requires exactly one argument');
    assert.equal(error('LABEL\n').message, 'dockerfile parse error line 1: LABEL requires at least one argument');
  });

  it('COPY and ADD: sources, destination, flags, heredoc sources', () => {
    const c = one('COPY --from=build --chown=1:2 --chmod=644 --link --parents --exclude=*.md --exclude=x a b /dst/\n', 'COPY');
    assert.deepEqual(
      [c.sources, c.dest, c.from, c.chown, c.chmod, c.link, c.parents, c.exclude, c.inline],
      [['a', 'b'], '/dst/', 'build', '1:2', '644', true, true, ['*.md', 'x'], []],
    );
    const a = one('ADD --checksum=sha256:abc --keep-git-dir=false --unpack=true https://x/y.tgz /y\n', 'ADD');
    assert.deepEqual([a.sources, a.checksum, a.keepGitDir, a.unpack, a.link], [['https://x/y.tgz'], 'sha256:abc', false, true, false]);
    const json = one('COPY ["a b", "/c d"]\n', 'COPY');
    assert.deepEqual([json.sources, json.dest], [['a b'], '/c d']);
    const h = one('COPY <<-EOF <<"RAW" /etc/\n\thello $X\nEOF\n$Y\nRAW\n', 'COPY');
    assert.deepEqual(h.sources, []);
    assert.deepEqual(h.inline.map((f) => [f.name, f.data, f.expand]), [['EOF', 'hello $X\n', true], ['RAW', '$Y\n', false]]);
    assert.equal(error('COPY a\n').message, 'dockerfile parse error line 1: COPY requires at least two arguments, but only one was provided. Destination could not be determined');
    assert.equal(error('COPY --checksum=x a b\n').message, 'dockerfile parse error line 1: Unknown flag: checksum');
    assert.match(error('COPY --from=$X a b\n').message, /variable expansion is not supported for --from/);
    assert.equal(error('ADD a <<EOF\nx\nEOF\n').message, 'dockerfile parse error line 1: ADD cannot accept a heredoc as a destination');
    assert.deepEqual(['755', 'u+x,go=r', 'a-w', '$M'].map((m) => one(`COPY --chmod=${m} a b\n`, 'COPY').chmod), ['755', 'u+x,go=r', 'a-w', '$M']);
    assert.equal(error('COPY --link=maybe a b\n').message, 'dockerfile parse error line 1: Expecting boolean value for flag link, not: maybe');
    assert.equal(error('COPY --chown a b\n').message, 'dockerfile parse error line 1: Missing a value on flag: chown');
    assert.equal(error('COPY --from=a --from=b a b\n').message, 'dockerfile parse error line 1: Duplicate flag specified: from');
  });

  it('EXPOSE: protocols and ranges, one entry per port', () => {
    const e = one('EXPOSE 80 53/UDP 8000-8002/tcp 132/sctp $P\n', 'EXPOSE');
    assert.deepEqual(e.ports.map((p) => p.key), ['132/sctp', '53/udp', '80/tcp', '8000/tcp', '8001/tcp', '8002/tcp']);
    assert.deepEqual(e.specs, ['$P', '132/sctp', '53/UDP', '80', '8000-8002/tcp']);
    assert.deepEqual(one('EXPOSE 80/xyz 81\n', 'EXPOSE').ports.map((p) => p.key), ['81/tcp'], 'bad ports fail when the step runs');
  });

  it('VOLUME, USER, WORKDIR, STOPSIGNAL, MAINTAINER', () => {
    assert.deepEqual(one('VOLUME /a /b\n', 'VOLUME').volumes, ['/a', '/b']);
    assert.deepEqual(one('VOLUME ["/a b"]\n', 'VOLUME').volumes, ['/a b']);
    assert.equal(one('USER app:app\n', 'USER').user, 'app:app');
    assert.equal(one('WORKDIR /srv/my app\n', 'WORKDIR').path, '/srv/my app');
    assert.equal(one('STOPSIGNAL SIGTERM\n', 'STOPSIGNAL').signal, 'SIGTERM');
    assert.equal(one('MAINTAINER Me <me@x>\n', 'MAINTAINER').maintainer, 'Me <me@x>');
    assert.equal(error('VOLUME [""]\n').message, 'dockerfile parse error line 1: VOLUME specified can not be an empty string');
    assert.equal(error('USER\n').message, 'dockerfile parse error line 1: USER requires exactly one argument');
    assert.deepEqual(['9', 'kill', 'SIGRTMIN+3', '"SIGTERM"', '$S', 'SIGNOPE'].map((s) => one(`STOPSIGNAL ${s}\n`, 'STOPSIGNAL').signal), ['9', 'kill', 'SIGRTMIN+3', '"SIGTERM"', '$S', 'SIGNOPE']);
  });

  it('ONBUILD keeps the trigger as written and refuses ONBUILD, FROM and MAINTAINER', () => {
    assert.equal(one('ONBUILD   RUN echo "a  b" \\\n  c\n', 'ONBUILD').expression, 'RUN echo "a  b"   c');
    assert.equal(one('ONBUILD COPY <<EOF /x\nhi\nEOF\n', 'ONBUILD').expression, 'COPY <<EOF /x\nhi\nEOF');
    assert.equal(error('ONBUILD ONBUILD RUN x\n').message, "dockerfile parse error line 1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    assert.equal(error('ONBUILD from x\n').message, "dockerfile parse error line 1: FROM isn't allowed as an ONBUILD trigger");
    assert.equal(error('ONBUILD MAINTAINER x\n').message, "dockerfile parse error line 1: MAINTAINER isn't allowed as an ONBUILD trigger");
  });

  it('parses a fired trigger at the given location', () => {
    const loc = { file: 'Dockerfile', startLine: 4, endLine: 4 };
    const t = parseTrigger('COPY <<EOF /x\nhi\nEOF', loc);
    assert.equal(t.kind, 'COPY');
    assert.deepEqual(t.location, loc);
    assert.throws(() => parseTrigger('COPPY a b', loc), /dockerfile parse error line 4: unknown instruction: COPPY/);
  });
});
