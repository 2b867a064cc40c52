/**
 * `--cache-to` / `--cache-from` (registry and local): a two-stage build on data root A exports
 * its cache; on a fresh data root B (same base image) the same context builds from the
 * imported cache alone — every step `Using cache`, no RUN runs (each RUN writes a random
 * stamp, so a rerun would change the image ID), the same image ID. A changed file misses from
 * its step on, as A's local cache does. Missing or unreachable caches are warnings; bad
 * values are clear errors. The cache is BuildKit's format: an OCI index naming the layer
 * blobs, the image configs and a cacheconfig.v0 config.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, imageId, type BuildDaemon } from './build-fixture.js';
import { hasDocker, startDaemon, type RunResult, type TestDaemon } from './helpers/daemon.js';
import { hasRegistry, startRegistry, type TestRegistry } from './helpers/registry.js';

const files = {
  'a.txt': 'alpha\n',
  'b.txt': 'beta\n',
  Dockerfile: [
    'FROM busybox:latest AS base',
    'RUN cat /proc/sys/kernel/random/uuid > /stamp0',
    'COPY a.txt /a.txt',
    'RUN cat /a.txt /proc/sys/kernel/random/uuid > /copied',
    'FROM busybox:latest',
    'COPY b.txt /b.txt',
    'RUN cat /proc/sys/kernel/random/uuid > /stamp1',
    'COPY --from=base /copied /stamp0 /from-base/',
    'ENV DONE=1',
    'CMD ["cat", "/b.txt"]',
    '',
  ].join('\n'),
};
/** Steps that are not FROM: each must say `Using cache` on a full hit. */
const STEPS = 8;

async function ok(p: Promise<RunResult>): Promise<string> {
  const r = await p;
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** The step numbers that printed ` ---> Using cache`. */
function cachedSteps(out: string): number[] {
  const steps: number[] = [];
  let step = 0;
  for (const line of out.split('\n')) {
    const m = /^Step (\d+)\//.exec(line);
    if (m) step = Number(m[1]);
    if (line === ' ---> Using cache') steps.push(step);
  }
  return steps;
}

function getJson(url: string, accept: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { Accept: accept } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${url}: ${res.statusCode} ${body}`))));
    }).on('error', reject);
  });
}

interface CacheIndex { mediaType: string; manifests: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[] }
interface CacheConfig { layers: { blob: string; parent: number }[]; records: { digest: string; layers?: { layer: number }[]; inputs?: { link: number }[][]; berth?: { image: string } }[] }

describe('build cache export and import', { skip: !hasRegistry && 'docker-registry is not installed' }, () => {
  let a: BuildDaemon;
  let b: TestDaemon;
  let reg: TestRegistry;
  let dir: string;
  let bbTar: string;
  let localMax: string;
  let localMin: string;
  let ref: string;
  let idA = '';

  /** B as a fresh data root: nothing but the base image (the same one as A's). */
  const freshB = async () => {
    await ok(b.berth(['system', 'prune', '-a', '-f']));
    await ok(b.berth(['load', '-i', bbTar]));
    assert.equal((await ok(b.berth(['images', '-a', '-q']))).trim().split('\n').length, 1, 'B holds the base image only');
    assert.match(await ok(b.berth(['system', 'df'])), /Build Cache\s+0\s/);
  };
  const buildB = (args: string[]) => b.berth(['build', '--progress=classic', ...args, '.'], { cwd: dir, timeoutMs: 300_000 });

  before(async () => {
    [a, b, reg] = await Promise.all([buildDaemon(), startDaemon(), startRegistry()]);
    bbTar = join(a.d.dir, 'bb.tar');
    await ok(a.d.berth(['save', '-o', bbTar, 'busybox:latest']));
    await ok(b.berth(['load', '-i', bbTar]));
    dir = a.context(files);
    localMax = join(a.d.dir, 'cache-max');
    localMin = join(a.d.dir, 'cache-min');
    ref = `${reg.host}/cache:x`;
  });
  after(async () => {
    await a?.cleanup();
    await b?.cleanup();
    await reg?.stop();
  });

  it('exports to a registry and a directory in BuildKit\'s cache format', async () => {
    const out = await ok(a.build(dir, [
      '-t', 'app:1', '--cache-to', `type=registry,ref=${ref},mode=max`, '--cache-to', `type=local,dest=${localMax},mode=max`,
      '--cache-to', `type=local,dest=${localMin}`,
    ]));
    assert.equal(cachedSteps(out).length, 0, out);
    idA = await imageId(a.d, 'app:1');
    const index = (await getJson(`http://${reg.host}/v2/cache/manifests/x`, 'application/vnd.oci.image.index.v1+json')) as CacheIndex;
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
    const configs = index.manifests.filter((m) => m.mediaType === 'application/vnd.buildkit.cacheconfig.v0');
    assert.equal(configs.length, 1);
    const config = (await getJson(`http://${reg.host}/v2/cache/blobs/${configs[0]!.digest}`, '*/*')) as CacheConfig;
    const listed = new Set(index.manifests.map((m) => m.digest));
    for (const l of config.layers) {
      assert.ok(listed.has(l.blob), `layer blob ${l.blob} is in the index`);
      assert.ok(l.parent === -1 || (l.parent >= 0 && l.parent < config.layers.length));
    }
    for (const m of index.manifests.filter((x) => x.mediaType.includes('layer'))) assert.match(m.annotations?.['containerd.io/uncompressed'] ?? '', /^sha256:/);
    assert.equal(config.records.length, STEPS, JSON.stringify(config.records.map((r) => r.digest)));
    assert.ok(config.records.every((r) => r.berth && listed.has(r.berth.image)), 'each record names an image config of the index');
    assert.ok(config.records.some((r) => r.inputs?.length), 'records link to the record of their parent');
    // The same cache as an OCI layout; mode=min keeps only the result's own steps.
    const layout = JSON.parse(readFileSync(join(localMax, 'index.json'), 'utf8')) as CacheIndex;
    assert.ok(existsSync(join(localMax, 'oci-layout')));
    const localIndex = JSON.parse(readFileSync(join(localMax, 'blobs', 'sha256', layout.manifests[0]!.digest.slice(7)), 'utf8')) as CacheIndex;
    assert.deepEqual(localIndex, index, 'the registry and the directory hold the same cache');
    const minLayout = JSON.parse(readFileSync(join(localMin, 'index.json'), 'utf8')) as CacheIndex;
    const minIndex = JSON.parse(readFileSync(join(localMin, 'blobs', 'sha256', minLayout.manifests[0]!.digest.slice(7)), 'utf8')) as CacheIndex;
    const minConfig = minIndex.manifests.find((m) => m.mediaType.includes('cacheconfig'))!;
    const min = JSON.parse(readFileSync(join(localMin, 'blobs', 'sha256', minConfig.digest.slice(7)), 'utf8')) as CacheConfig;
    assert.equal(min.records.length, 5, 'mode=min: the final stage\'s five steps');
  });

  for (const kind of ['registry', 'local'] as const) {
    it(`a fresh data root builds everything from the ${kind} cache, running no RUN`, async () => {
      await freshB();
      const from = kind === 'registry' ? `type=registry,ref=${ref}` : `type=local,src=${localMax}`;
      const out = await ok(buildB(['-t', 'app:1', '--cache-from', from]));
      assert.deepEqual(cachedSteps(out), [2, 3, 4, 6, 7, 8, 9, 10], out);
      assert.doesNotMatch(out, /Running in/);
      assert.equal(await imageId(b, 'app:1'), idA);
    });
  }

  it('keeps Docker\'s legacy cachefrom (docker CLI): steps come from the named image\'s history', { skip: !hasDocker && 'no docker CLI' }, async () => {
    const single = a.context({ 'b.txt': 'beta\n', Dockerfile: 'FROM busybox:latest\nCOPY b.txt /b.txt\nRUN cat /proc/sys/kernel/random/uuid > /stamp\nENV DONE=1\nCMD ["cat", "/b.txt"]\n' });
    const name = `${reg.host}/legacy:1`;
    await ok(a.build(single, ['-t', name]));
    await ok(a.d.berth(['push', name]));
    await freshB();
    await ok(b.berth(['pull', name]));
    const docker = (args: string[]) => b.docker(['build', ...args, '.'], { cwd: single, env: { DOCKER_BUILDKIT: '0' }, timeoutMs: 300_000 });
    const out = await ok(docker(['--cache-from', name, '-t', 'legacy:2']));
    assert.deepEqual(cachedSteps(out), [2, 3, 4, 5], out);
    assert.equal(await imageId(b, 'legacy:2'), await imageId(a.d, name), 'the last step is the cache image itself');
    // Without it, the pulled image is no cache: the steps run.
    assert.deepEqual(cachedSteps(await ok(docker(['-t', 'legacy:3']))), []);
  });

  it('a changed file misses from its step on, as the local cache does', async () => {
    writeFileSync(join(dir, 'a.txt'), 'changed\n');
    const onA = await ok(a.build(dir, ['-t', 'app:2']));
    await freshB();
    const onB = await ok(buildB(['-t', 'app:2', '--cache-from', ref]));
    assert.deepEqual(cachedSteps(onA), [2, 6, 7], onA);
    assert.deepEqual(cachedSteps(onB), cachedSteps(onA), onB);
  });

  it('a missing or unreachable cache is a warning, and the build goes on', async () => {
    const out = await ok(buildB([
      '-t', 'app:3', '--cache-from', `${reg.host}/cache:none`, '--cache-from', 'type=registry,ref=127.0.0.1:1/x:y',
      '--cache-from', `type=local,src=${join(a.d.dir, 'nothing')}`,
    ]));
    assert.match(out, new RegExp(`\\[Warning\\] no build cache found at ${reg.host}/cache:none`));
    assert.match(out, /\[Warning\] cannot import the build cache from 127\.0\.0\.1:1\/x:y: .*connection refused/);
    assert.match(out, /\[Warning\] no build cache found at .*nothing/);
    assert.match(out, /Successfully tagged app:3/);
  });

  it('bad --cache-to and --cache-from values are clear errors', async () => {
    const cases: [string, RegExp][] = [
      ['type=foo,ref=x', /unknown cache type "foo"/],
      ['type=gha', /cache type "gha" is not supported by berth/],
      ['type=registry', /ref is required for type=registry/],
      ['type=local', /dest is required for type=local/],
      [`type=registry,ref=${ref},mode=all`, /mode must be min or max, not "all"/],
      ['type=registry,ref=Bad:Ref:x', /invalid --cache-to "type=registry,ref=Bad:Ref:x": invalid reference format/],
      [`type=local,dest=/tmp/x,color=red`, /unknown attribute "color"/],
    ];
    for (const [value, want] of cases) {
      const r = await buildB(['--cache-to', value]);
      assert.notEqual(r.code, 0, value);
      assert.match(r.stderr, want, value);
    }
    const r = await buildB(['--cache-from', 'type=local']);
    assert.match(r.stderr, /src is required for type=local/);
  });
});
