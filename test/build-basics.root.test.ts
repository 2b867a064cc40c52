/**
 * `berth build` and `docker build` against berthd: Docker's exact classic output, the image
 * config and history Docker writes, the cache across both clients, -q / --iidfile, --label,
 * --build-arg, and the error paths with Docker's messages and exit codes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, historyCreatedBy, imageId, inspectConfig, type makeContext, normalizeIds, type BuildDaemon } from './build-fixture.js';
import { hasDocker } from './helpers/daemon.js';

const hello = {
  'hello.txt': 'hello world!\n',
  Dockerfile: 'FROM busybox:latest\nENV A=1\nCOPY hello.txt /app/\nWORKDIR /app\nENTRYPOINT ["cat", "/app/hello.txt"]\n',
};

describe('berth build: output, config, cache, options', () => {
  let b: BuildDaemon;
  const ctx = (files: Parameters<typeof makeContext>[0]) => b.context(files);
  before(async () => {
    b = await buildDaemon();
  });
  after(async () => {
    await b.cleanup();
  });

  it("prints Docker's legacy builder output, then uses the cache", async () => {
    const dir = ctx(hello);
    const r = await b.build(dir, ['-t', 'hello:latest']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      normalizeIds(r.stdout),
      'Sending build context to berth daemon  3.072kB\r\r\n' +
        'Step 1/5 : FROM busybox:latest\n ---> <id>\n' +
        'Step 2/5 : ENV A=1\n ---> Running in <id>\nRemoving intermediate container <id>\n ---> <id>\n' +
        'Step 3/5 : COPY hello.txt /app/\n ---> <id>\n' +
        'Step 4/5 : WORKDIR /app\n ---> Running in <id>\nRemoving intermediate container <id>\n ---> <id>\n' +
        'Step 5/5 : ENTRYPOINT ["cat", "/app/hello.txt"]\n ---> Running in <id>\nRemoving intermediate container <id>\n ---> <id>\n' +
        'Successfully built <id>\nSuccessfully tagged hello:latest\n',
    );
    const id = await imageId(b.d, 'hello:latest');
    assert.ok(r.stdout.includes(` ---> ${b.busybox.slice(7, 19)}\n`), 'FROM prints the base image ID');
    assert.ok(r.stdout.includes(`Successfully built ${id.slice(7, 19)}\n`));

    const again = await b.build(dir, ['-t', 'hello:latest']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((again.stdout.match(/ ---> Using cache\n/g) ?? []).length, 4);
    assert.ok(!again.stdout.includes('Running in'));
    assert.equal(await imageId(b.d, 'hello:latest'), id);
  });

  it('writes the config and history Docker writes for the same steps', async () => {
    const dir = ctx(hello);
    assert.equal((await b.build(dir, ['-t', 'cfg:1'])).code, 0);
    const cfg = await inspectConfig(b.d, 'cfg:1');
    assert.deepEqual(cfg.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1']);
    assert.deepEqual(cfg.Entrypoint, ['cat', '/app/hello.txt']);
    assert.equal(cfg.Cmd, null);
    assert.equal(cfg.WorkingDir, '/app');
    const hist = await historyCreatedBy(b.d, 'cfg:1');
    assert.equal(hist[0], '/bin/sh -c #(nop)  ENTRYPOINT ["cat" "/app/hello.txt"]');
    assert.equal(hist[1], '/bin/sh -c #(nop) WORKDIR /app');
    assert.match(hist[2]!, /^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \/app\/ $/);
    assert.equal(hist[3], '/bin/sh -c #(nop)  ENV A=1');
    const sizes = await b.d.berth(['history', '--format', '{{.Size}}', 'cfg:1']);
    assert.deepEqual(sizes.stdout.trim().split('\n').slice(0, 4), ['0B', '0B', '13B', '0B']);
    // Intermediate images are kept (hidden from `images`, shown by `images -a`), as Docker does.
    const all = await b.d.berth(['images', '-a', '-q']);
    const top = await b.d.berth(['images', '-q']);
    assert.ok(all.stdout.trim().split('\n').length > top.stdout.trim().split('\n').length);
  });

  it('rebuilds every step with --no-cache', async () => {
    const dir = ctx(hello);
    assert.equal((await b.build(dir, ['-t', 'nc:1'])).code, 0);
    const first = await imageId(b.d, 'nc:1');
    const r = await b.build(dir, ['--no-cache', '-t', 'nc:1']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('Using cache'));
    assert.notEqual(await imageId(b.d, 'nc:1'), first);
  });

  it('prints only the image ID with -q and writes --iidfile', async () => {
    const dir = ctx(hello);
    const iid = join(dir, 'iid');
    const r = await b.build(dir, ['-q', '--iidfile', iid, '-t', 'quiet:1']);
    assert.equal(r.code, 0, r.stderr);
    const id = await imageId(b.d, 'quiet:1');
    assert.equal(r.stdout, `${id}\n`);
    assert.equal(readFileSync(iid, 'utf8'), `${id}\n`);
    const r2 = await b.build(dir, ['--iidfile', iid, '-t', 'quiet:1']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(readFileSync(iid, 'utf8'), id);
  });

  it('adds --label as LABEL steps and applies --build-arg, warning about unused ones', async () => {
    const dir = ctx({ Dockerfile: 'FROM busybox\nARG WHO=nobody\nARG UNSET\nENV GREETING=hi-$WHO\nLABEL from.file=x b=file\n' });
    const r = await b.build(dir, ['--build-arg', 'WHO=you', '--build-arg', 'EXTRA=1', '--label', 'b=cli', '--label', 'a=1', '-t', 'args:1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Step 6\/7 : LABEL a=1\n[\s\S]*Step 7\/7 : LABEL b=cli\n/);
    assert.match(r.stdout, /\[Warning\] One or more build-args \[EXTRA\] were not consumed\n/);
    const cfg = await inspectConfig(b.d, 'args:1');
    assert.deepEqual(cfg.Labels, { 'from.file': 'x', a: '1', b: 'cli' });
    assert.ok((cfg.Env as string[]).includes('GREETING=hi-you'));
    const hist = await historyCreatedBy(b.d, 'args:1');
    assert.ok(hist.includes('/bin/sh -c #(nop)  ARG WHO=nobody'));
    // --build-arg NAME takes the value from the client's environment.
    const r2 = await b.build(dir, ['--build-arg', 'WHO', '-t', 'args:2'], { env: { WHO: 'env' } });
    assert.equal(r2.code, 0, r2.stderr);
    assert.ok(((await inspectConfig(b.d, 'args:2')).Env as string[]).includes('GREETING=hi-env'));
  });

  it('keeps the cache when a build arg a step does not use changes', async () => {
    const dir = ctx({ Dockerfile: 'FROM busybox\nARG A=1\nARG B=1\nENV X=$A\nLABEL y=$B\n' });
    assert.equal((await b.build(dir, ['--build-arg', 'A=1', '--build-arg', 'B=1'])).code, 0);
    const r = await b.build(dir, ['--build-arg', 'A=1', '--build-arg', 'B=2']);
    assert.equal(r.code, 0, r.stderr);
    const steps = r.stdout.split(/(?=Step \d)/);
    assert.match(steps.find((s) => s.startsWith('Step 4/5'))!, /Using cache/);
    assert.doesNotMatch(steps.find((s) => s.startsWith('Step 5/5'))!, /Using cache/);
  });

  it('serves the docker CLI (legacy builder) and shares the cache with berth', { skip: !hasDocker && 'docker CLI not installed' }, async () => {
    const dir = ctx(hello);
    const first = await b.build(dir, ['-t', 'shared:berth']);
    assert.equal(first.code, 0, first.stderr);
    const r = await b.dockerBuild(dir, ['-t', 'shared:docker']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Sending build context to Docker daemon  3\.072kB/);
    assert.equal((r.stdout.match(/ ---> Using cache\n/g) ?? []).length, 4);
    assert.equal(await imageId(b.d, 'shared:docker'), await imageId(b.d, 'shared:berth'));
    const images = await b.d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.match(images.stdout, /shared:docker/);
  });

  it('answers with Docker\'s errors and exit codes', async () => {
    const cases: [Record<string, string>, string[], number, RegExp][] = [
      [{ Dockerfile: 'FROM busybox\nCOPY missing.txt /\n' }, [], 1,
        /^COPY failed: file not found in build context or excluded by \.dockerignore: stat missing\.txt: file does not exist\n$/],
      [{ Dockerfile: 'FROM busybox\nCOPY ../x /\n' }, [], 1, /^COPY failed: forbidden path outside the build context: \.\.\/x \(\)\n$/],
      [{ Dockerfile: 'FROM busybox\nCOPY *.nomatch /\n' }, [], 1, /^COPY failed: no source files were specified\n$/],
      [{ Dockerfile: 'FROM busybox\nCOPY a b /dst\n', a: '', b: '' }, [], 1,
        /^When using COPY with more than one source file, the destination must be a directory and end with a \/\n$/],
      [{ Dockerfile: 'FROM busybox\nCOPY --chown=nosuch a /\n', a: '' }, [], 1,
        /^unable to convert uid\/gid chown string to host mapping: can't find uid for user nosuch: no such user: nosuch\n$/],
      [{ Dockerfile: 'FROM busybox\nCOPY --from=0 /x /\n' }, [], 1, /^invalid from flag value 0: refers to current build stage\n$/],
      [{ Dockerfile: 'FROM busybox\nSTOPSIGNAL SIGNOPE\n' }, [], 1, /^Invalid signal: SIGNOPE\n$/],
      // A missing base image is pulled: from a registry nobody listens at (tests stay on 127.0.0.1).
      [{ Dockerfile: 'FROM 127.0.0.1:9/nosuchimage:1\n' }, [], 1, /^Get "http:\/\/127\.0\.0\.1:9\/v2\/": dial tcp 127\.0\.0\.1:9: connect: connection refused\n$/],
      [{ Dockerfile: 'ARG X\nFROM $X\n' }, [], 1, /^base name \(\$X\) should not be blank\n$/],
      [{ Dockerfile: 'FROM busybox\nNOPE x\n' }, [], 1, /^Error response from daemon: dockerfile parse error .*line 2: unknown instruction: NOPE\n$/],
      [{ Dockerfile: 'FROM busybox AS a\n' }, ['--target', 'b'], 1, /^Error response from daemon: failed to reach build target b in Dockerfile\n$/],
      [{ Dockerfile: '' }, [], 1, /^Error response from daemon: the Dockerfile \(Dockerfile\) cannot be empty\n$/],
      [{ Dockerfile: 'FROM busybox\n' }, ['-t', 'Bad:Tag'], 125, /invalid reference format: repository name \(library\/Bad\) must be lowercase/],
      [{ Dockerfile: 'FROM busybox\n' }, ['--squash'], 1, /^"--squash" is only supported on a Docker daemon with experimental features enabled\n$/],
    ];
    for (const [files, args, code, message] of cases) {
      const r = await b.build(ctx(files), args);
      assert.equal(r.code, code, `${JSON.stringify(files)}: ${r.stderr}`);
      assert.match(r.stderr, message, JSON.stringify(files));
    }
    const noDockerfile = await b.d.berth(['build', '-f', 'nope', ctx({ a: '' })]);
    assert.equal(noDockerfile.code, 1);
    assert.match(noDockerfile.stderr, /unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat .*nope: no such file or directory/);
    const notADir = await b.d.berth(['build', join(ctx({ a: '' }), 'missing')]);
    assert.equal(notADir.code, 1);
    assert.match(notADir.stderr, /unable to prepare context: path ".*missing" not found/);
  });

  it('reads the Dockerfile from stdin (-f -) and builds a Dockerfile-only context from stdin', async () => {
    const dir = ctx({ 'a.txt': 'A' });
    const r = await b.d.berth(['build', '--progress=classic', '-f', '-', '-t', 'stdin:1', '.'], { cwd: dir, input: 'FROM busybox\nCOPY . /ctx/\n' });
    assert.equal(r.code, 0, r.stderr);
    const r2 = await b.d.berth(['build', '--progress=classic', '-t', 'stdin:2', '-'], { input: 'FROM busybox\nENV FROM_STDIN=1\n' });
    assert.equal(r2.code, 0, r2.stderr);
    assert.ok(((await inspectConfig(b.d, 'stdin:2')).Env as string[]).includes('FROM_STDIN=1'));
    assert.ok(!existsSync(join(dir, 'iid')));
  });

  it('serves the docker CLI with the Dockerfile on stdin, a context on stdin and a compressed context', { skip: !hasDocker && 'docker CLI not installed' }, async () => {
    const dir = ctx({ 'a.txt': 'A' });
    const df = await b.d.docker(['build', '-q', '-f', '-', '.'], { cwd: dir, env: { DOCKER_BUILDKIT: '0' }, input: 'FROM busybox\nCOPY a.txt /a\n' });
    assert.equal(df.code, 0, df.stderr);
    const compressed = await b.d.docker(['build', '-q', '--compress', '-f', '-', '.'], { cwd: dir, env: { DOCKER_BUILDKIT: '0' }, input: 'FROM busybox\nCOPY a.txt /a\n' });
    assert.equal(compressed.code, 0, compressed.stderr);
    assert.equal(compressed.stdout, df.stdout, 'same result, from the cache');
    const onlyDf = await b.d.docker(['build', '-q', '-'], { env: { DOCKER_BUILDKIT: '0' }, input: 'FROM busybox\nENV STDIN=1\n' });
    assert.equal(onlyDf.code, 0, onlyDf.stderr);
  });
});
