/**
 * Why the cache missed: `berth build --explain-cache` (classic), `--progress=plain`, and the
 * `berth.cache-miss` aux messages of the API (`explaincache=1`), against a test berthd.
 * Golden outputs, one scenario per kind of reason; without the flag the classic text is
 * Docker's, unchanged.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, normalizeIds, type BuildDaemon } from './build-fixture.js';

const dockerfile = (run = 'echo $VERSION > /app/version') =>
  ['FROM busybox:latest', 'ARG VERSION=1.0', 'COPY src /app/src', `RUN ${run}`, 'RUN cat /app/src/main.txt > /app/copy', ''].join('\n');

const short = (s: string) => `${createHash('sha256').update(s).digest('hex').slice(0, 4)}…`;

/** The step headers and CACHE MISS lines of a classic build's output. */
function misses(out: string): string {
  return out.split('\n').filter((l) => l.startsWith('Step ') || l.includes('CACHE MISS') || l.includes('Using cache')).join('\n');
}

describe('berth build: why the cache missed', () => {
  let b: BuildDaemon;
  let dir: string;
  const build = async (args: string[] = []) => {
    const r = await b.build(dir, ['--explain-cache', '-t', 'explain:1', ...args]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    return r.stdout;
  };
  before(async () => {
    b = await buildDaemon();
    dir = b.context({ 'src/main.txt': 'main v1\n', 'src/util.txt': 'util\n', Dockerfile: dockerfile() });
  });
  after(async () => {
    await b.cleanup();
  });

  it('first build: no earlier build, then the parent', async () => {
    assert.equal(
      misses(await build()),
      [
        'Step 1/5 : FROM busybox:latest',
        'Step 2/5 : ARG VERSION=1.0',
        ' ---> CACHE MISS: no earlier build of this step',
        'Step 3/5 : COPY src /app/src',
        ' ---> CACHE MISS: parent changed (step 2 missed)',
        'Step 4/5 : RUN echo $VERSION > /app/version',
        ' ---> CACHE MISS: parent changed (step 3 missed)',
        'Step 5/5 : RUN cat /app/src/main.txt > /app/copy',
        ' ---> CACHE MISS: parent changed (step 4 missed)',
      ].join('\n'),
    );
  });

  it('a rebuild hits everywhere and says nothing more', async () => {
    const out = await build();
    assert.equal((out.match(/Using cache/g) ?? []).length, 4);
    assert.ok(!out.includes('CACHE MISS'));
  });

  it('a changed file is named, with its old and new digests', async () => {
    writeFileSync(join(dir, 'src/main.txt'), 'main v2\n');
    const out = misses(await build());
    assert.ok(out.includes(`Step 3/5 : COPY src /app/src\n ---> CACHE MISS: file src/main.txt changed (sha256 ${short('main v1\n')} → ${short('main v2\n')})\n`), out);
    assert.ok(out.includes('Step 4/5 : RUN echo $VERSION > /app/version\n ---> CACHE MISS: parent changed (step 3 missed)'), out);
  });

  it('a changed build arg shows its old and new values', async () => {
    const out = misses(await build(['--build-arg', 'VERSION=1.1']));
    assert.ok(out.includes('Step 4/5 : RUN echo $VERSION > /app/version\n ---> CACHE MISS: build arg VERSION changed (1.0 → 1.1)'), out);
    assert.ok(out.includes('Step 3/5 : COPY src /app/src\n ---> Using cache'), out);
  });

  it('a changed instruction', async () => {
    writeFileSync(join(dir, 'Dockerfile'), dockerfile('echo $VERSION >/app/version'));
    const out = misses(await build(['--build-arg', 'VERSION=1.1']));
    assert.ok(out.includes('Step 4/5 : RUN echo $VERSION >/app/version\n ---> CACHE MISS: instruction changed'), out);
  });

  it('--no-cache', async () => {
    const out = misses(await build(['--no-cache', '--build-arg', 'VERSION=1.1']));
    assert.equal((out.match(/CACHE MISS: --no-cache/g) ?? []).length, 4, out);
  });

  it('a removed cached image', async () => {
    const rmi = await b.d.berth(['rmi', 'explain:1']);
    assert.equal(rmi.code, 0, rmi.stderr);
    const out = misses(await build(['--build-arg', 'VERSION=1.1']));
    // rmi removes the untagged parents too: the first step after FROM finds its image gone.
    assert.ok(out.includes('Step 2/5 : ARG VERSION=1.0\n ---> CACHE MISS: cached result gone (image removed, or the last build of this step failed)'), out);
    assert.ok(out.includes('Step 3/5 : COPY src /app/src\n ---> CACHE MISS: parent changed (step 2 missed)'), out);
  });

  it('--progress=plain shows the reasons without being asked', async () => {
    writeFileSync(join(dir, 'src/util.txt'), 'util v2\n');
    const r = await b.d.berth(['build', '--progress=plain', '--build-arg', 'VERSION=1.1', '.'], { cwd: dir, timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^#3 CACHE MISS: file src\/util\.txt changed \(sha256 [0-9a-f]{4}… → [0-9a-f]{4}…\)$/m);
    assert.match(r.stderr, /^#4 CACHE MISS: parent changed \(step 3 missed\)$/m);
  });

  it("without --explain-cache the classic text is Docker's", async () => {
    writeFileSync(join(dir, 'src/util.txt'), 'util v3\n');
    const r = await b.build(dir, ['--build-arg', 'VERSION=1.1']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('CACHE MISS'));
    assert.equal(
      normalizeIds(r.stdout).replace(/^Sending build context[^\n]*\n/, ''),
      'Step 1/5 : FROM busybox:latest\n ---> <id>\n' +
        'Step 2/5 : ARG VERSION=1.0\n ---> Using cache\n ---> <id>\n' +
        'Step 3/5 : COPY src /app/src\n ---> <id>\n' +
        'Step 4/5 : RUN echo $VERSION >/app/version\n ---> Running in <id>\nRemoving intermediate container <id>\n ---> <id>\n' +
        'Step 5/5 : RUN cat /app/src/main.txt > /app/copy\n ---> Running in <id>\nRemoving intermediate container <id>\n ---> <id>\n' +
        'Successfully built <id>\n',
    );
  });

  it('the API sends each reason as a berth.cache-miss aux message (explaincache=1)', async () => {
    // A tar context: its steps are known by the build's tags. The first build seeds them.
    const post = () => new Promise<string>((resolve, reject) => {
      const tar = spawnSync('tar', ['-cf', '-', '-C', dir, '.'], { maxBuffer: 64 << 20 }).stdout;
      const req = request(
        { socketPath: b.d.socket, method: 'POST', path: '/v1.41/build?explaincache=1&t=api%3A1&buildargs=%7B%22VERSION%22%3A%221.1%22%7D', headers: { 'Content-Type': 'application/x-tar' } },
        (res) => {
          let s = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (s += c));
          res.on('end', () => resolve(s));
        },
      );
      req.on('error', reject);
      req.end(tar);
    });
    await post();
    writeFileSync(join(dir, 'src/util.txt'), 'util v4\n');
    const body = await post();
    const msgs = body.trim().split('\r\n').map((l) => JSON.parse(l) as { id?: string; aux?: Record<string, unknown>; stream?: string });
    const miss = msgs.filter((m) => m.id === 'berth.cache-miss');
    assert.deepEqual(miss[0], { id: 'berth.cache-miss', aux: { step: 3, code: 'file', reason: `file src/util.txt changed (sha256 ${short('util v3\n')} → ${short('util v4\n')})` } });
    assert.deepEqual(miss.slice(1).map((m) => m.aux), [
      { step: 4, code: 'parent', reason: 'parent changed (step 3 missed)' },
      { step: 5, code: 'parent', reason: 'parent changed (step 4 missed)' },
    ]);
    // The stream text is untouched.
    assert.ok(!msgs.some((m) => m.stream?.includes('CACHE MISS')));
  });
});
