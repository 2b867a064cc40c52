/**
 * @module bench/build
 * `berth build` beside Docker's legacy builder (`DOCKER_BUILDKIT=0 docker build`), same
 * contexts, same busybox rootfs (imported into both):
 * - a 7-step build (FROM, ENV, COPY, WORKDIR, 2 RUN, ENTRYPOINT) with --no-cache, and fully
 *   cached (goals ≤ 0.4× and ≤ 1× Docker);
 * - `COPY . /app` of a context with one 200 MB file and 5,000 small files: cold (a fresh
 *   context, --no-cache) and rebuilt with nothing changed (goals ≤ 0.5× and ≤ 0.1× Docker);
 * - two independent CPU-bound stages, against the same two RUNs in one stage (the gain of
 *   running stages in parallel; Docker's legacy builder runs them one after the other);
 * - with the docker CLI as the client of both engines, to compare the servers alone.
 * Each figure is the median of several runs, in milliseconds, CLI start-up included.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GROUP, PASSWD } from '../src/store/testing/busybox-rootfs.js';
import { run } from '../test/helpers/daemon.js';
import type { BenchContext, Figure, Workload } from './types.js';

type Runner = (args: string[], cwd: string) => Promise<{ code: number; stdout: string; stderr: string }>;

async function timed(f: () => Promise<{ code: number; stderr: string; stdout: string }>): Promise<number> {
  const t0 = performance.now();
  const r = await f();
  const ms = performance.now() - t0;
  if (r.code !== 0) throw new Error(`${r.stdout}\n${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function medianOf(n: number, f: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await f());
  return median(xs);
}

const SEVEN_STEPS = [
  'FROM busybox:latest',
  'ENV APP_HOME=/app',
  'COPY app.sh /app/',
  'WORKDIR /app',
  'RUN chmod 755 app.sh && ./app.sh > first.txt',
  'RUN ./app.sh second > second.txt',
  'ENTRYPOINT ["/app/app.sh"]',
  '',
].join('\n');

function sevenStepContext(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), SEVEN_STEPS);
  writeFileSync(join(dir, 'app.sh'), '#!/bin/sh\necho "hello ${1:-world}"\n', { mode: 0o755 });
}

/** One 200 MB file and 5,000 small files (1–8 kB) in 50 directories. */
function bigContext(dir: string, seed: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox:latest\nCOPY . /app\n');
  const pool = randomBytes(8 << 20);
  const fd = openSync(join(dir, 'big.bin'), 'w');
  writeSync(fd, Buffer.from(seed));
  for (let n = 0; n < 200 << 20; n += pool.length) writeSync(fd, pool, 0, Math.min(pool.length, (200 << 20) - n));
  closeSync(fd);
  for (let i = 0; i < 5000; i++) {
    const d = join(dir, 'src', `d${i % 50}`);
    if (i < 50) mkdirSync(d, { recursive: true });
    const size = 1024 + ((i * 7919) % 7168);
    writeFileSync(join(d, `f${i}.txt`), Buffer.concat([Buffer.from(`${seed}-${i}\n`), pool.subarray(i, i + size)]));
  }
}

/**
 * The busybox rootfs as scripts/make-busybox.sh makes it (GNU tar): the same bytes for both
 * engines. (Docker's import chmods hard links from their headers, so the applets' entries must
 * carry busybox's own mode.)
 */
export async function busyboxTar(scratch: string): Promise<Buffer> {
  const root = join(scratch, 'busybox-rootfs');
  for (const d of ['bin', 'dev', 'etc', 'home/user', 'proc', 'root', 'sys', 'tmp', 'usr', 'var']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), PASSWD);
  writeFileSync(join(root, 'etc/group'), GROUP);
  const script = [
    'set -e',
    `r=${root}`,
    'cp /bin/busybox $r/bin/busybox && chmod 755 $r/bin/busybox',
    'for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln $r/bin/busybox $r/bin/$a; done',
    'chmod 1777 $r/tmp && chmod 700 $r/root && chown 1000:1000 $r/home/user',
    `tar --sort=name --numeric-owner --mtime=@1700000000 -C $r -cf ${root}.tar bin dev etc home proc root sys tmp usr var`,
  ].join(' && ');
  const r = await run('/bin/sh', ['-c', script]);
  if (r.code !== 0) throw new Error(r.stderr);
  return readFileSync(`${root}.tar`);
}

async function settle(): Promise<void> {
  await run('sync', []);
  await new Promise((r) => setTimeout(r, 1000));
}

async function measure(ctx: BenchContext, name: string, build: Runner, tag: string): Promise<{ noCache: number; cached: number; cold: number; rebuild: number }> {
  const seven = join(ctx.scratch, `${name}-seven`);
  sevenStepContext(seven);
  await timed(() => build(['-t', `${tag}:seven`, '.'], seven));
  const noCache = await medianOf(5, () => timed(() => build(['--no-cache', '-t', `${tag}:seven`, '.'], seven)));
  const cached = await medianOf(5, () => timed(() => build(['-t', `${tag}:seven`, '.'], seven)));
  const colds: number[] = [];
  let last = '';
  for (let i = 0; i < 3; i++) {
    last = join(ctx.scratch, `${name}-big-${i}`);
    bigContext(last, `${name}-${i}-${randomBytes(4).toString('hex')}`);
    await settle();
    colds.push(await timed(() => build(['--no-cache', '-t', `${tag}:big`, '.'], last)));
  }
  const rebuild = await medianOf(5, () => timed(() => build(['-t', `${tag}:big`, '.'], last)));
  return { noCache, cached, cold: median(colds), rebuild };
}

/** Two independent stages, each a CPU-bound RUN, joined by a final stage. */
const PARALLEL = [
  'FROM busybox:latest AS one',
  'RUN i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done; echo $i > /one',
  'FROM busybox:latest AS two',
  'RUN i=0; while [ $i -lt 400000 ]; do i=$((i+2-1)); done; echo $i > /two',
  'FROM busybox:latest',
  'COPY --from=one /one /one',
  'COPY --from=two /two /two',
  '',
].join('\n');

/** The same work in one stage: the two RUNs one after the other. */
const SEQUENTIAL = [
  'FROM busybox:latest',
  'RUN i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done; echo $i > /one',
  'RUN i=0; while [ $i -lt 400000 ]; do i=$((i+2-1)); done; echo $i > /two',
  '',
].join('\n');

async function parallelStages(ctx: BenchContext, build: Runner, name: string): Promise<{ parallel: number; sequential: number }> {
  const par = join(ctx.scratch, `${name}-parallel`);
  const seq = join(ctx.scratch, `${name}-sequential`);
  mkdirSync(par, { recursive: true });
  mkdirSync(seq, { recursive: true });
  writeFileSync(join(par, 'Dockerfile'), PARALLEL);
  writeFileSync(join(seq, 'Dockerfile'), SEQUENTIAL);
  return {
    parallel: await medianOf(3, () => timed(() => build(['--no-cache', '.'], par))),
    sequential: await medianOf(3, () => timed(() => build(['--no-cache', '.'], seq))),
  };
}

export const buildWorkload: Workload = {
  name: 'build: 7 steps (no cache, cached), COPY of 200 MB + 5,000 files (cold, unchanged), parallel stages',
  async run(ctx) {
    const rootfs = await busyboxTar(ctx.scratch);
    const imp = await ctx.berth.berth(['import', '-', 'busybox:latest'], { input: rootfs });
    if (imp.code !== 0) throw new Error(imp.stderr);
    const berth: Runner = (args, cwd) => ctx.berth.berth(['build', '-q', ...args], { cwd, timeoutMs: 600_000 });
    const b = await measure(ctx, 'berth', berth, 'bench-berth');
    const pb = await parallelStages(ctx, berth, 'berth');
    let d: typeof b | undefined;
    let pd: typeof pb | undefined;
    // The same client on both sides (the docker CLI against berthd): the engines alone.
    let viaDocker: { noCache: number; cached: number } | undefined;
    if (ctx.docker) {
      const di = await ctx.docker.run(['import', '-', 'busybox:latest'], { input: rootfs });
      if (di.code !== 0) throw new Error(di.stderr);
      const env = ['DOCKER_BUILDKIT=0', `DOCKER_CONFIG=${join(ctx.scratch, 'docker-config')}`, '/usr/local/bin/docker'];
      const docker: Runner = (args, cwd) => run('/usr/bin/env', [...env, '-H', ctx.docker!.host, 'build', '-q', ...args], { cwd, timeoutMs: 600_000 });
      d = await measure(ctx, 'docker', docker, 'bench-docker');
      pd = await parallelStages(ctx, docker, 'docker');
      const seven = join(ctx.scratch, 'dockercli-seven');
      sevenStepContext(seven);
      const dockerToBerth: Runner = (args, cwd) => run('/usr/bin/env', [...env, '-H', ctx.berth.host, 'build', '-q', ...args], { cwd, timeoutMs: 600_000 });
      await timed(() => dockerToBerth(['-t', 'bench-dcli:seven', '.'], seven));
      viaDocker = {
        noCache: await medianOf(5, () => timed(() => dockerToBerth(['--no-cache', '-t', 'bench-dcli:seven', '.'], seven))),
        cached: await medianOf(5, () => timed(() => dockerToBerth(['-t', 'bench-dcli:seven', '.'], seven))),
      };
    }
    const fig = (name: string, value: number, docker: number | undefined, goal: string): Figure => ({
      name, value, unit: 'ms', higherIsBetter: false, ...(docker !== undefined ? { docker } : {}), goal,
    });
    return [
      fig('7-step build, --no-cache (median of 5)', b.noCache, d?.noCache, '≤ 0.4× Docker'),
      fig('7-step build, fully cached (median of 5)', b.cached, d?.cached, '≤ 1× Docker'),
      fig('COPY . of 200 MB + 5,000 files, cold (median of 3)', b.cold, d?.cold, '≤ 0.5× Docker'),
      fig('same, rebuilt with nothing changed (median of 5)', b.rebuild, d?.rebuild, '≤ 0.1× Docker'),
      fig('2 independent CPU-bound stages, --no-cache (median of 3)', pb.parallel, pd?.parallel, `below the same 2 RUNs in one stage: ${Math.round(pb.sequential)} ms`),
      ...(viaDocker
        ? [
            fig('7-step build, --no-cache, docker CLI → berthd (median of 5)', viaDocker.noCache, d?.noCache, 'informational: same client both sides'),
            fig('7-step build, fully cached, docker CLI → berthd (median of 5)', viaDocker.cached, d?.cached, 'informational: same client both sides'),
          ]
        : []),
    ];
  },
};
