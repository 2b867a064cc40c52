/**
 * Pruning and the build cache, through the berth CLI and the docker CLI against a test berthd:
 * `system prune` (with -a, --volumes, until and label filters) removes what Docker removes and
 * keeps what running containers use; `builder prune` forgets the build cache (the next build
 * runs its steps again) and `system df` shows the cache before and nothing after.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BuildCacheWire } from '../src/api/types/build.js';
import type { DiskUsage } from '../src/api/types/images.js';
import { buildDaemon, type BuildDaemon } from './build-fixture.js';
import { cleanupDaemon, ok } from './containers-helpers.js';
import { hasDocker, run, type TestDaemon } from './helpers/daemon.js';

const usingCache = (out: string) => (out.match(/ ---> Using cache\n/g) ?? []).length;

async function lines(p: Promise<{ code: number; stdout: string; stderr: string }>): Promise<string[]> {
  return (await ok(p)).split('\n').filter(Boolean);
}

async function diskUsage(d: TestDaemon): Promise<DiskUsage> {
  const r = await run('curl', ['-sf', '--unix-socket', d.socket, 'http://berth/v1.41/system/df']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as DiskUsage;
}

/** The `Build Cache` row of `system df` as [total, active, size, reclaimable]. */
async function cacheRow(d: TestDaemon, cli: 'berth' | 'docker' = 'berth'): Promise<string[]> {
  const out = await ok(d[cli](['system', 'df']));
  const row = out.split('\n').find((l) => l.startsWith('Build Cache'));
  assert.ok(row, out);
  return row.slice('Build Cache'.length).trim().split(/\s+/);
}

describe('prune', () => {
  let b: BuildDaemon;
  let d: TestDaemon;
  before(async () => {
    b = await buildDaemon();
    d = b.d;
  });
  after(async () => {
    await cleanupDaemon(d);
    await b.cleanup();
  });

  it('berth system prune [-a] [--volumes]: removes what Docker would and keeps what is in use', async () => {
    const tagged = b.context({ Dockerfile: 'FROM busybox\nRUN echo kept > /k\nLABEL k=v\n' });
    assert.equal((await b.build(tagged, ['-t', 'keep:1'])).code, 0);
    // A re-used tag leaves the earlier image dangling (and its build cache unshared).
    const first = b.context({ Dockerfile: 'FROM busybox\nRUN echo one > /d\n' });
    assert.equal((await b.build(first, ['-t', 'dang:1'])).code, 0);
    const dangling = (await ok(d.berth(['images', '-q', '--no-trunc', 'dang:1']))).trim();
    const second = b.context({ Dockerfile: 'FROM busybox\nRUN echo two > /d\n' });
    assert.equal((await b.build(second, ['-t', 'dang:1'])).code, 0);

    await ok(d.berth(['network', 'create', 'unused-net']));
    await ok(d.berth(['network', 'create', 'used-net']));
    await ok(d.berth(['volume', 'create', 'named-vol']));
    const stopped = (await ok(d.berth(['create', '--name', 'stopped', 'busybox', 'true']))).trim();
    await ok(d.berth(['create', '--name', 'anon-maker', '-v', '/anon', 'busybox', 'true']));
    const anon = (await ok(d.berth(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', 'anon-maker']))).trim();
    await ok(d.berth(['rm', 'anon-maker']));
    await ok(d.berth(['run', '-d', '--name', 'running', '--network', 'used-net', '-v', 'used-vol:/data', '-v', '/inuse', 'busybox', 'sleep', '600']));

    const cacheBefore = (await diskUsage(d)).BuildCache as BuildCacheWire[];
    // keep:1's RUN and LABEL, and the RUN of each dang:1; only the replaced one is unshared.
    assert.equal(cacheBefore.length, 4, JSON.stringify(cacheBefore));
    assert.equal(cacheBefore.filter((c) => !c.Shared).length, 1);

    // The prompt, and nothing removed on "n".
    const asked = await d.berth(['system', 'prune'], { input: 'n\n' });
    assert.equal(asked.code, 0, asked.stderr);
    assert.equal(
      asked.stdout,
      'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n' +
        '  - all dangling images\n  - unused build cache\n\nAre you sure you want to continue? [y/N] ',
    );
    assert.ok((await lines(d.berth(['ps', '-aq', '--no-trunc']))).includes(stopped));

    const out = await ok(d.berth(['system', 'prune', '-f']));
    assert.match(out, new RegExp(`^Deleted Containers:\\n${stopped}\\n\\nDeleted Networks:\\nunused-net\\n\\nDeleted Images:\\n`));
    assert.match(out, new RegExp(`deleted: ${dangling}\\n`));
    // The dangling image's record went with it; the cache of the tagged images goes too.
    assert.match(out, /\n\nDeleted build cache objects:\n([0-9a-f]{64}\n){3}\nTotal reclaimed space: \d/);
    assert.doesNotMatch(out, /Deleted Volumes:/);
    assert.deepEqual((await diskUsage(d)).BuildCache, []);

    assert.deepEqual(await lines(d.berth(['ps', '-a', '--format', '{{.Names}}'])), ['running']);
    const nets = await lines(d.berth(['network', 'ls', '--format', '{{.Name}}']));
    assert.ok(nets.includes('used-net') && !nets.includes('unused-net'), nets.join(','));
    const imgs = await lines(d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}']));
    assert.deepEqual(imgs.sort(), ['busybox:latest', 'dang:1', 'keep:1']);
    assert.equal((await d.berth(['image', 'inspect', dangling])).code, 1);
    const vols = () => lines(d.berth(['volume', 'ls', '-q']));
    assert.ok((await vols()).includes(anon));

    // --volumes: anonymous volumes no container uses; named and in-use ones stay.
    const withVolumes = await ok(d.berth(['system', 'prune', '-f', '--volumes']));
    assert.match(withVolumes, new RegExp(`Deleted Volumes:\\n${anon}\\n\\n`));
    const left = await vols();
    assert.ok(!left.includes(anon) && left.includes('named-vol') && left.includes('used-vol') && left.length === 3, left.join(','));

    // -a: every image no container uses, and all build cache.
    const all = await ok(d.berth(['system', 'prune', '-a', '-f']));
    assert.match(all, /untagged: keep:1\n/);
    assert.match(all, /untagged: dang:1\n/);
    assert.deepEqual(await lines(d.berth(['images', '--format', '{{.Repository}}'])), ['busybox']);
    assert.deepEqual(await cacheRow(d), ['0', '0', '0B', '0B']);
    assert.deepEqual((await diskUsage(d)).BuildCache, []);
    await ok(d.berth(['rm', '-f', '-v', 'running']));
    await ok(d.berth(['network', 'rm', 'used-net']));
    await ok(d.berth(['volume', 'rm', 'named-vol', 'used-vol']));
  });

  it('until and label filters (berth and docker CLI), Go durations and timestamps', { skip: !hasDocker }, async () => {
    const labelled = (await ok(d.berth(['create', '--label', 'keep=yes', 'busybox', 'true']))).trim();
    const plain = (await ok(d.berth(['create', 'busybox', 'true']))).trim();
    await ok(d.berth(['network', 'create', '--label', 'keep=yes', 'lab-net']));
    await ok(d.berth(['network', 'create', 'plain-net']));

    const out = await ok(d.docker(['system', 'prune', '-f', '--filter', 'label!=keep=yes']));
    assert.match(out, new RegExp(`^Deleted Containers:\\n${plain}\\n\\nDeleted Networks:\\nplain-net\\n\\nTotal reclaimed space: `));
    const ids = await lines(d.berth(['ps', '-aq', '--no-trunc']));
    assert.deepEqual(ids, [labelled]);

    // Created just now: not older than 1h30m, nor than an hour ago as an RFC 3339 time.
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    for (const until of ['1h30m', '1.5h', hourAgo, String(Math.floor(Date.now() / 1000) - 3600)]) {
      assert.equal(await ok(d.docker(['system', 'prune', '-f', '--filter', `until=${until}`])), 'Total reclaimed space: 0B\n', until);
      assert.equal(await ok(d.berth(['container', 'prune', '-f', '--filter', `until=${until}`])), 'Total reclaimed space: 0B\n', until);
    }
    const bad = await d.docker(['system', 'prune', '-f', '--filter', 'until=soon']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /failed to parse value as time or duration: "soon"/);
    const volUntil = await d.berth(['system', 'prune', '-f', '--volumes', '--filter', 'until=1h']);
    assert.equal(volUntil.code, 1);
    assert.equal(volUntil.stderr, 'ERROR: The "until" filter is not supported with "--volumes"\n');

    // label=: only what carries the label; a duration that has passed (300ms, in Go syntax) selects it.
    await new Promise((r) => setTimeout(r, 400));
    const byLabel = await ok(d.berth(['system', 'prune', '-f', '--filter', 'label=keep=yes', '--filter', 'until=300ms']));
    assert.match(byLabel, new RegExp(`^Deleted Containers:\\n${labelled}\\n\\nDeleted Networks:\\nlab-net\\n\\n`));
    assert.deepEqual(await lines(d.berth(['ps', '-aq'])), []);
  });

  it('builder prune forgets the build cache: system df shows it before and 0 after; the next build runs again', async () => {
    const ctx = b.context({ Dockerfile: `FROM busybox\nRUN echo ${Date.now()} > /stamp\nENV X=1\nRUN echo more > /more\n` });
    assert.equal((await b.build(ctx, ['-t', 'bc:1'])).code, 0);
    const again = await b.build(ctx, ['-t', 'bc:1']);
    assert.equal(usingCache(again.stdout), 3, again.stdout);

    const cache = (await diskUsage(d)).BuildCache as BuildCacheWire[];
    assert.equal(cache.length, 3, JSON.stringify(cache));
    for (const c of cache) {
      assert.match(c.ID, /^[0-9a-f]{64}$/);
      assert.equal(c.Type, 'regular');
      assert.equal(c.InUse, false);
      assert.equal(c.Shared, true, 'the tagged image keeps every step');
      assert.ok(!Number.isNaN(Date.parse(c.CreatedAt)));
      assert.ok(c.LastUsedAt && c.UsageCount === 2, JSON.stringify(c));
    }
    assert.deepEqual(cache.slice(1).map((c) => c.Description), ['ENV X=1', 'RUN /bin/sh -c echo more > /more']);
    assert.ok(cache[0]!.Description.startsWith('RUN /bin/sh -c echo '), cache[0]!.Description);
    assert.equal(cache[1]!.Parent, cache[0]!.ID);
    assert.ok(cache.find((c) => c.Description.includes('more'))!.Size > 0);
    assert.deepEqual((await cacheRow(d)).slice(0, 2), ['3', '0']);
    const verbose = await ok(d.docker(['system', 'df', '-v']));
    assert.match(verbose, /CACHE ID\s+CACHE TYPE\s+SIZE\s+CREATED\s+LAST USED\s+USAGE\s+SHARED\n/);
    for (const c of cache) assert.match(verbose, new RegExp(`${c.ID.slice(0, 12)}\\s+regular\\s+`));
    assert.match(await ok(d.berth(['system', 'df', '-v'])), new RegExp(`${cache[0]!.ID.slice(0, 12)}\\s+regular\\s+.*\\s+2\\s+true\\n`));

    // until: only records unused for that long.
    assert.equal(await ok(d.berth(['builder', 'prune', '-f', '--filter', 'until=1h'])), 'Total reclaimed space: 0B\n');
    assert.equal(((await diskUsage(d)).BuildCache ?? []).length, 3);

    const imagesBefore = await lines(d.berth(['images', '-aq']));
    const asked = await d.docker(['builder', 'prune', '-a'], { input: 'y\n' });
    assert.equal(asked.code, 0, asked.stderr);
    assert.ok(asked.stdout.startsWith('WARNING! This will remove all build cache. Are you sure you want to continue? [y/N] Deleted build cache objects:\n'), asked.stdout);
    for (const c of cache) assert.ok(asked.stdout.includes(`${c.ID}\n`));
    assert.deepEqual(await cacheRow(d, 'docker'), ['0', '0', '0B', '0B']);
    assert.deepEqual((await diskUsage(d)).BuildCache, []);
    // The images stay: the cache was only the index over them.
    assert.deepEqual(await lines(d.berth(['images', '-aq'])), imagesBefore);

    const rebuilt = await b.build(ctx, ['-t', 'bc:1']);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.equal(usingCache(rebuilt.stdout), 0, rebuilt.stdout);
    // The earlier bc:1 is dangling now, as with Docker.
    await ok(d.berth(['rmi', 'bc:1']));
    await ok(d.berth(['image', 'prune', '-f']));
  });

  it('builder prune without -a removes the dangling cache a failed build left, and its images', async () => {
    const ctx = b.context({ Dockerfile: `FROM busybox\nRUN echo ${Date.now()} > /x\nRUN false\n` });
    const failed = await b.build(ctx);
    assert.notEqual(failed.code, 0);
    // The failed step's container is kept (as Docker does) and uses the first step's image.
    assert.equal(((await diskUsage(d)).BuildCache as BuildCacheWire[]).filter((c) => !c.Shared).length, 0);
    await ok(d.berth(['container', 'prune', '-f']));
    const left = (await ok(d.berth(['images', '-q', '--filter', 'dangling=true']))).trim();
    assert.match(left, /^[0-9a-f]{12}$/, 'the failed build leaves its first step as a dangling image');
    const cache = ((await diskUsage(d)).BuildCache ?? []) as BuildCacheWire[];
    const mine = cache.filter((c) => !c.Shared);
    assert.equal(mine.length, 1, JSON.stringify(cache));
    assert.ok(mine[0]!.Size > 0);
    const row = await cacheRow(d);
    assert.deepEqual(row, [String(cache.length), '0', `${mine[0]!.Size}B`, `${mine[0]!.Size}B`]);

    const out = await ok(d.berth(['builder', 'prune', '-f', '--filter', 'until=1h']));
    assert.equal(out, 'Total reclaimed space: 0B\n', 'until=1h: the record is newer');
    const pruned = await ok(d.berth(['builder', 'prune', '-f']));
    assert.equal(pruned, `Deleted build cache objects:\n${mine[0]!.ID}\n\nTotal reclaimed space: ${mine[0]!.Size}B\n`);
    assert.equal((await d.berth(['image', 'inspect', left])).code, 1);
    assert.equal((await ok(d.berth(['images', '-q', '--filter', 'dangling=true']))).trim(), '');
    const again = await b.build(ctx);
    assert.equal(usingCache(again.stdout), 0);
    await ok(d.berth(['container', 'prune', '-f']));
    await ok(d.berth(['image', 'prune', '-f']));
  });

  it('a record a running build uses is InUse (ACTIVE in system df) and builder prune leaves it', async () => {
    const step = `RUN echo held-${Date.now()} > /h`;
    assert.notEqual((await b.build(b.context({ Dockerfile: `FROM busybox\n${step}\nRUN false\n` }))).code, 0);
    await ok(d.berth(['container', 'prune', '-f']));
    const mine = async () => ((await diskUsage(d)).BuildCache as BuildCacheWire[]).find((c) => c.Description.includes('held-'))!;
    assert.equal((await mine()).InUse, false);
    const building = b.build(b.context({ Dockerfile: `FROM busybox\n${step}\nRUN sleep 3\n` }));
    let inUse = false;
    for (let i = 0; i < 40 && !inUse; i++) {
      await new Promise((r) => setTimeout(r, 100));
      inUse = (await mine()).InUse;
    }
    assert.ok(inUse, 'the cached step the build hit is in use while it runs');
    assert.equal((await cacheRow(d))[1], '1');
    assert.equal(await ok(d.berth(['builder', 'prune', '-f'])), 'Total reclaimed space: 0B\n');
    assert.ok(await mine(), 'prune kept the record');
    const done = await building;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(usingCache(done.stdout), 1, done.stdout);
    assert.equal((await mine()).InUse, false);
    await ok(d.berth(['image', 'prune', '-f']));
    await ok(d.berth(['builder', 'prune', '-f']));
  });

  it('RUN --mount=type=cache directories show in system df as exec.cachemount and go with builder prune', async () => {
    const df = (n: number) => `FROM busybox\nRUN --mount=type=cache,id=prune-test,target=/cache ls /cache > /seen-${n} && head -c 1048576 /dev/zero > /cache/blob\n`;
    assert.equal((await b.build(b.context({ Dockerfile: df(1) }), ['-t', 'cm:1'])).code, 0);
    const mounts = async () => (((await diskUsage(d)).BuildCache ?? []) as BuildCacheWire[]).filter((c) => c.Type === 'exec.cachemount');
    const [m] = await mounts();
    assert.ok(m, 'the cache mount is listed');
    assert.ok(m.Size >= 1 << 20, JSON.stringify(m));
    assert.equal(m.Shared, false);
    assert.equal(m.InUse, false);
    const pruned = await ok(d.berth(['builder', 'prune', '-f']));
    assert.ok(pruned.includes(`${m.ID}\n`), pruned);
    assert.deepEqual(await mounts(), []);
    // The next build sees an empty cache.
    assert.equal((await b.build(b.context({ Dockerfile: df(2) }), ['-t', 'cm:2'])).code, 0);
    assert.equal(await ok(d.berth(['run', '--rm', 'cm:2', 'cat', '/seen-2'])), '');
    await ok(d.berth(['rmi', 'cm:1', 'cm:2']));
    await ok(d.berth(['builder', 'prune', '-f']));
  });

  it('docker system prune -a --volumes against berthd (API 1.41: every unused volume)', { skip: !hasDocker }, async () => {
    await ok(d.berth(['volume', 'create', 'v-named']));
    const ctx = b.context({ Dockerfile: `FROM busybox\nRUN echo ${Date.now()} > /y\n` });
    assert.equal((await b.dockerBuild(ctx, ['-t', 'dk:1'])).code, 0);
    await ok(d.docker(['create', '--name', 'dk-stopped', 'dk:1', 'true']));
    const out = await ok(d.docker(['system', 'prune', '-a', '-f', '--volumes']));
    assert.match(out, /^Deleted Containers:\n[0-9a-f]{64}\n\nDeleted Volumes:\nv-named\n\nDeleted Images:\nuntagged: /);
    assert.match(out, /untagged: dk:1\n/);
    assert.match(out, /untagged: busybox:latest\n/);
    // Removing the images took their build cache along: nothing left for the cache step to list.
    assert.match(out, /deleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: \d/);
    assert.deepEqual(await lines(d.berth(['images', '-aq'])), []);
    assert.deepEqual(await lines(d.berth(['volume', 'ls', '-q'])), []);
    assert.deepEqual(await cacheRow(d), ['0', '0', '0B', '0B']);
  });
});
