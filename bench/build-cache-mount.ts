/**
 * @module bench/build-cache-mount
 * `RUN --mount=type=cache` for a project's build cache: a small shell project whose build step
 * "compiles" 10 sources, 0.2 s each on a cold cache (a cache entry per source content), is
 * rebuilt after a one-file change — with its cache on a cache mount (only the changed file is
 * compiled again) and without (everything again, since the RUN's layer starts afresh). Docker's
 * legacy builder refuses `--mount`, so its figure is the same rebuild without the cache mount.
 * Each figure is the median of 3 rebuilds, each after a different one-file change; the gain is
 * printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from '../test/helpers/daemon.js';
import { busyboxTar } from './build.js';
import type { Figure, Workload } from './types.js';

const SOURCES = 10;

const BUILD_SH = `set -e
mkdir -p "$CACHE" out
for f in src/*.src; do
  h=$(sha256sum "$f" | cut -c1-16)
  if [ ! -f "$CACHE/$h" ]; then sleep 0.2; sha256sum "$f" > "$CACHE/$h.tmp"; mv "$CACHE/$h.tmp" "$CACHE/$h"; fi
  cp "$CACHE/$h" "out/$(basename "$f").o"
done
`;

function project(dir: string, cacheMount: boolean): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'build.sh'), BUILD_SH);
  for (let i = 0; i < SOURCES; i++) writeFileSync(join(dir, 'src', `m${i}.src`), `module ${i}\n`);
  const step = cacheMount ? 'RUN --mount=type=cache,target=/cache CACHE=/cache sh build.sh' : 'RUN CACHE=/tmp/cache sh build.sh && rm -rf /tmp/cache';
  writeFileSync(join(dir, 'Dockerfile'), `FROM busybox:latest\nWORKDIR /app\nCOPY . .\n${step}\n`);
}

type Build = (cwd: string) => Promise<{ code: number; stdout: string; stderr: string }>;

/** Median time of 3 rebuilds, each after changing one source. */
async function rebuilds(dir: string, build: Build): Promise<number> {
  const first = await build(dir);
  if (first.code !== 0) throw new Error(first.stdout + first.stderr);
  const xs: number[] = [];
  for (let i = 0; i < 3; i++) {
    writeFileSync(join(dir, 'src', `m${i}.src`), `module ${i} changed ${Date.now()}\n`);
    const t0 = performance.now();
    const r = await build(dir);
    xs.push(performance.now() - t0);
    if (r.code !== 0) throw new Error(r.stdout + r.stderr);
  }
  return xs.sort((a, b) => a - b)[1]!;
}

export const buildCacheMountWorkload: Workload = {
  name: 'build: one-file change rebuilt with RUN --mount=type=cache vs without',
  async run(ctx) {
    let rootfs: Buffer | undefined;
    const tar = async () => (rootfs ??= await busyboxTar(ctx.scratch));
    const img = await ctx.berth.berth(['image', 'inspect', 'busybox:latest']);
    if (img.code !== 0) {
      const imp = await ctx.berth.berth(['import', '-', 'busybox:latest'], { input: await tar() });
      if (imp.code !== 0) throw new Error(imp.stderr);
    }
    const berth: Build = (cwd) => ctx.berth.berth(['build', '-q', '.'], { cwd, timeoutMs: 600_000 });
    const withMount = join(ctx.scratch, 'cachemount-with');
    const without = join(ctx.scratch, 'cachemount-without');
    project(withMount, true);
    project(without, false);
    const a = await rebuilds(withMount, berth);
    const b = await rebuilds(without, berth);
    let docker: number | undefined;
    if (ctx.docker) {
      const di = await ctx.docker.run(['image', 'inspect', 'busybox:latest']);
      if (di.code !== 0) {
        const imp = await ctx.docker.run(['import', '-', 'busybox:latest'], { input: await tar() });
        if (imp.code !== 0) throw new Error(imp.stderr);
      }
      const dir = join(ctx.scratch, 'cachemount-docker');
      project(dir, false);
      const env = ['DOCKER_BUILDKIT=0', `DOCKER_CONFIG=${join(ctx.scratch, 'docker-config')}`, '/usr/local/bin/docker'];
      docker = await rebuilds(dir, (cwd) => run('/usr/bin/env', [...env, '-H', ctx.docker!.host, 'build', '-q', '.'], { cwd, timeoutMs: 600_000 }));
    }
    console.log(`  gain of the cache mount: ${(b / a).toFixed(2)}× faster (${Math.round(b)} ms → ${Math.round(a)} ms)${docker !== undefined ? `; ${(docker / a).toFixed(2)}× Docker's legacy builder without it` : ''}`);
    const fig = (name: string, value: number, goal: string): Figure => ({
      name, value, unit: 'ms', higherIsBetter: false, ...(docker !== undefined ? { docker } : {}), goal,
    });
    return [
      fig('rebuild after a one-file change, with --mount=type=cache (median of 3)', a, `below the same without it: ${Math.round(b)} ms`),
      fig('same, without the cache mount (median of 3)', b, 'informational'),
    ];
  },
};
