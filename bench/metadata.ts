/**
 * @module bench/metadata
 * The cost of N config-only steps: `FROM scratch` and N `ENV` lines (N = 1,000, 2,000,
 * 4,000), built with --no-cache, by berth and (when installed) by Docker's legacy builder.
 * Prints the build's time (berth: median of 3, after a warm-up build) and the daemon's peak
 * resident memory during it (VmHWM, reset before each build through /proc/PID/clear_refs),
 * and the resident memory a few seconds after it. Growth should be linear: twice the steps, about twice the time (issue 13).
 * Docker runs after berth, smallest size first, within BENCH_ENV_DOCKER_BUDGET_S seconds.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from '../test/helpers/daemon.js';
import type { Figure, Workload } from './types.js';

const SIZES = (process.env.BENCH_ENV_SIZES ?? "1000,2000,4000").split(",").map(Number);
/** Seconds Docker's builds may take in all (BENCH_ENV_DOCKER_BUDGET_S; default one hour). */
const DOCKER_BUDGET_S = Number(process.env.BENCH_ENV_DOCKER_BUDGET_S ?? 3600);

function envDockerfile(n: number): string {
  const lines = ['FROM scratch'];
  for (let i = 0; i < n; i++) lines.push(`ENV VAR_${i}=value-${i}`);
  return lines.join('\n') + '\n';
}

/** A field of /proc/PID/status in MB (VmHWM, VmRSS); undefined when the process is gone. */
function statusMb(pid: number, field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resets the process's peak RSS (VmHWM) to its current RSS. */
function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    /* not ours to reset: the peak then covers the daemon's whole life */
  }
}

interface Measured {
  ms: number;
  peakMb: number;
  afterMb: number;
}

/** Runs per size for berth: the median time, the highest peak. */
const RUNS = 3;

async function medianOf(n: number, f: () => Promise<Measured>): Promise<Measured> {
  const xs: Measured[] = [];
  for (let i = 0; i < n; i++) xs.push(await f());
  const times = xs.map((x) => x.ms).sort((a, b) => a - b);
  return { ms: times[Math.floor(n / 2)]!, peakMb: Math.max(...xs.map((x) => x.peakMb)), afterMb: xs[xs.length - 1]!.afterMb };
}

async function measure(pid: number, build: () => Promise<{ code: number; stdout: string; stderr: string }>): Promise<Measured> {
  resetPeak(pid);
  const t0 = performance.now();
  const r = await build();
  const ms = performance.now() - t0;
  if (r.code !== 0) throw new Error(`${r.stdout}\n${r.stderr}`.slice(-2000));
  const peakMb = statusMb(pid, 'VmHWM') ?? NaN;
  await new Promise((res) => setTimeout(res, 3000));
  return { ms, peakMb, afterMb: statusMb(pid, 'VmRSS') ?? NaN };
}

export const metadataWorkload: Workload = {
  name: 'build: 1,000 / 2,000 / 4,000 ENV steps (time, peak RSS; linear growth)',
  async run(ctx) {
    const figures: Figure[] = [];
    const berthPid = ctx.berth.process.pid!;
    const rows: { n: number; berth: Measured; docker?: Measured; dockerOver?: number }[] = [];
    // Warm-up (the CLI host, the daemon's JIT), not counted.
    const warm = join(ctx.scratch, 'env-warm');
    mkdirSync(warm, { recursive: true });
    writeFileSync(join(warm, 'Dockerfile'), envDockerfile(200));
    await ctx.berth.berth(['build', '-q', '--no-cache', '.'], { cwd: warm, timeoutMs: 600_000 });
    const idleBerth = statusMb(berthPid, 'VmRSS') ?? NaN;
    const idleDocker = ctx.docker?.pid ? statusMb(ctx.docker.pid, 'VmRSS') : undefined;
    figures.push({ name: 'daemon RSS before the builds', value: idleBerth, unit: 'MB', higherIsBetter: false, ...(idleDocker !== undefined ? { docker: idleDocker } : {}) });
    // berth at every size first, each row printed as it is measured; then Docker's legacy
    // builder, which is O(N²) here (one run each), smallest first, within a time budget: on a
    // busy machine its larger sizes can take hours. A build cut off by the budget counts as
    // "more than" the time it was given.
    for (const n of SIZES) {
      const dir = join(ctx.scratch, `env-${n}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'Dockerfile'), envDockerfile(n));
      const berth = await medianOf(RUNS, () =>
        measure(berthPid, () => ctx.berth.berth(['build', '-q', '--no-cache', '-t', `bench-env:${n}`, '.'], { cwd: dir, timeoutMs: 1_800_000 })),
      );
      console.log(`  berth ${n} ENV steps: ${Math.round(berth.ms)} ms, peak RSS ${berth.peakMb.toFixed(0)} MB, ${berth.afterMb.toFixed(0)} MB 3 s after`);
      rows.push({ n, berth });
    }
    const deadline = performance.now() + DOCKER_BUDGET_S * 1000;
    for (const row of rows) {
      if (!ctx.docker?.pid) break;
      const left = deadline - performance.now();
      if (left < 10_000) {
        console.log(`  docker ${row.n} ENV steps: not run (the ${DOCKER_BUDGET_S} s budget is spent)`);
        continue;
      }
      const env = ['DOCKER_BUILDKIT=0', `DOCKER_CONFIG=${join(ctx.scratch, 'docker-config')}`, '/usr/local/bin/docker', '-H', ctx.docker.host];
      const dir = join(ctx.scratch, `env-${row.n}`);
      try {
        row.docker = await measure(ctx.docker.pid, () => run('/usr/bin/env', [...env, 'build', '-q', '--no-cache', '-t', `bench-env:${row.n}`, '.'], { cwd: dir, timeoutMs: left }));
        console.log(`  docker ${row.n} ENV steps: ${Math.round(row.docker.ms)} ms, peak RSS ${row.docker.peakMb.toFixed(0)} MB, ${row.docker.afterMb.toFixed(0)} MB 3 s after`);
      } catch {
        row.dockerOver = left;
        console.log(`  docker ${row.n} ENV steps: not done after ${Math.round(left / 1000)} s (cut off by the budget), peak RSS so far ${(statusMb(ctx.docker.pid, 'VmHWM') ?? NaN).toFixed(0)} MB`);
      }
    }
    for (const { n, berth, docker, dockerOver } of rows) {
      figures.push(
        { name: `${n} ENV steps: build time${dockerOver ? ` (Docker: more than ${Math.round(dockerOver)} ms)` : ''}`, value: berth.ms, unit: 'ms', higherIsBetter: false, ...(docker ? { docker: docker.ms } : {}), goal: 'linear in N, ≤ Docker' },
        { name: `${n} ENV steps: daemon peak RSS`, value: berth.peakMb, unit: 'MB', higherIsBetter: false, ...(docker ? { docker: docker.peakMb } : {}), goal: 'bounded, ≤ Docker' },
        { name: `${n} ENV steps: daemon RSS 3 s after`, value: berth.afterMb, unit: 'MB', higherIsBetter: false, ...(docker ? { docker: docker.afterMb } : {}) },
      );
    }
    const first = rows[0]!;
    const last = rows[rows.length - 1]!;
    figures.push({
      name: `time growth ${last.n / first.n}× steps (linear = ${last.n / first.n}×)`,
      value: last.berth.ms / first.berth.ms,
      unit: '×',
      higherIsBetter: false,
      ...(first.docker && last.docker ? { docker: last.docker.ms / first.docker.ms } : {}),
      goal: `≤ ${((last.n / first.n) * 1.5).toFixed(0)}× (quadratic would be ${(last.n / first.n) ** 2}×)`,
    });
    return figures;
  },
};
