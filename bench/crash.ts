/**
 * @module bench/crash
 * The crash campaign (`npm run bench crash`; runs only when named): 100 trials, 25 of each of
 * `load` of a saved 2-image archive, `import` of a 64 MB tar, a build whose COPY brings 64 MB,
 * and 10 containers started at once. Each trial starts the operation, kills berthd with
 * SIGKILL at a random moment within the operation's measured duration, starts berthd again on
 * the same roots and runs the consistency check of bench/crash-check.ts. Prints "N of 100
 * clean" and each failure's details. Uses a berthd of its own on a temporary data root and
 * socket; removes every container, image, mount and file it made.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { run, startDaemon, type RunResult, type TestDaemon } from '../test/helpers/daemon.js';
import { checkConsistency, mountsUnder } from './crash-check.js';
import type { Figure, Workload } from './types.js';

const TRIALS = Number(process.env.BENCH_CRASH_TRIALS ?? 100);
const CONTAINERS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ok(p: Promise<RunResult>, what: string): Promise<string> {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** 64 MB of incompressible data in 32 files under `dir`. */
function bigFiles(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 32; i++) writeFileSync(join(dir, `f${i}`), randomBytes(2 << 20));
}

/** What an operation acknowledged before the kill: tags it made, containers it started. */
interface Acked {
  tags: string[];
  running: string[];
}

interface Operation {
  kind: string;
  /** Starts the work; resolves when the clients return (killed or not). */
  start(d: TestDaemon): Promise<Acked>;
}

function operations(files: { saved: string; importTar: string; buildCtx: string }): Operation[] {
  return [
    {
      kind: 'load',
      start: async (d) => {
        const r = await d.berth(['load', '-i', files.saved], { timeoutMs: 300_000 });
        return { tags: r.code === 0 ? ['loadme:one', 'loadme:two'] : [], running: [] };
      },
    },
    {
      kind: 'import',
      start: async (d) => {
        const r = await d.berth(['import', files.importTar, 'imported:latest'], { timeoutMs: 300_000 });
        return { tags: r.code === 0 ? ['imported:latest'] : [], running: [] };
      },
    },
    {
      kind: 'build',
      start: async (d) => {
        const r = await d.berth(['build', '--no-cache', '-t', 'built:latest', files.buildCtx], { timeoutMs: 300_000 });
        return { tags: r.code === 0 ? ['built:latest'] : [], running: [] };
      },
    },
    {
      kind: '10 containers starting',
      start: async (d) => {
        const rs = await Promise.all(
          Array.from({ length: CONTAINERS }, (_, i) => d.berth(['run', '-d', '--name', `crash${i}`, 'busybox', 'sleep', '3600'], { timeoutMs: 300_000 })),
        );
        return { tags: [], running: rs.filter((r) => r.code === 0).map((r) => r.stdout.trim()) };
      },
    },
  ];
}

/** Back to the base state between trials: no containers, no image but busybox. */
async function reset(d: TestDaemon): Promise<string[]> {
  const ids = (await d.berth(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
  if (ids.length) await ok(d.berth(['rm', '-f', ...ids]), 'rm -f');
  const tags = (await d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.split('\n').filter((t) => t && t !== 'busybox:latest' && !t.includes('<none>'));
  const dangling = (await d.berth(['images', '-q', '--no-trunc', '-f', 'dangling=true'])).stdout.split('\n').filter(Boolean);
  if (tags.length || dangling.length) await ok(d.berth(['rmi', '-f', ...tags, ...dangling]), 'rmi');
  return mountsUnder(d.dataRoot).map((m) => `after removing every container, still mounted: ${m}`);
}

interface TrialResult {
  n: number;
  kind: string;
  delayMs: number;
  problems: string[];
}

export const crashWorkload: Workload = {
  name: 'crash: 100 kill -9 during load, import, build COPY, 10 container starts; restart; consistency check',
  onlyWhenNamed: true,
  usesDocker: false,
  async run(ctx) {
    const work = join(ctx.scratch, 'crash');
    mkdirSync(work, { recursive: true });
    const d = await startDaemon({ dir: join(work, 'daemon') });
    const results: TrialResult[] = [];
    try {
      const rootfs = join(work, 'rootfs.tar');
      writeFileSync(rootfs, busyboxRootfsTar());
      await ok(d.berth(['import', rootfs, 'busybox']), 'import busybox');
      // The inputs: a build context with 64 MB to COPY, the same files as a tar to import,
      // and a saved archive of two images (busybox plus 64 MB, and one more layer on top).
      const buildCtx = join(work, 'ctx');
      bigFiles(join(buildCtx, 'big'));
      writeFileSync(join(buildCtx, 'Dockerfile'), 'FROM busybox\nCOPY big /big\n');
      const importTar = join(work, 'import.tar');
      await ok(run('tar', ['-C', join(buildCtx, 'big'), '-cf', importTar, '.']), 'tar');
      const loadCtx = join(work, 'load-ctx');
      bigFiles(join(loadCtx, 'big'));
      writeFileSync(join(loadCtx, 'small'), 'two\n');
      writeFileSync(join(loadCtx, 'Dockerfile'), 'FROM busybox\nCOPY big /big\nLABEL which=one\n');
      await ok(d.berth(['build', '-q', '-t', 'loadme:one', loadCtx]), 'build loadme:one');
      writeFileSync(join(loadCtx, 'Dockerfile.two'), 'FROM loadme:one\nCOPY small /small\n');
      await ok(d.berth(['build', '-q', '-f', join(loadCtx, 'Dockerfile.two'), '-t', 'loadme:two', loadCtx]), 'build loadme:two');
      const saved = join(work, 'saved.tar');
      await ok(d.berth(['save', '-o', saved, 'loadme:one', 'loadme:two']), 'save');
      const ops = operations({ saved, importTar, buildCtx });

      // Each operation's duration, uninterrupted: the kill lands uniformly within it (+10%).
      const durations = new Map<string, number>();
      for (const op of ops) {
        await reset(d);
        const t0 = performance.now();
        await op.start(d);
        durations.set(op.kind, performance.now() - t0);
        console.log(`  ${op.kind}: ${Math.round(performance.now() - t0)} ms uninterrupted`);
      }
      await reset(d);

      for (let n = 1; n <= TRIALS; n++) {
        const op = ops[(n - 1) % ops.length]!;
        const delayMs = Math.random() * durations.get(op.kind)! * 1.1;
        const acked = op.start(d);
        await sleep(delayMs);
        await d.stop('SIGKILL');
        const before = await acked;
        const problems: string[] = [];
        try {
          await d.restart();
          problems.push(...(await checkConsistency(d, work, { tags: before.tags, running: new Set(before.running) })));
          problems.push(...(await reset(d)));
        } catch (e) {
          problems.push(`restart or check failed: ${(e as Error).message}`);
        }
        results.push({ n, kind: op.kind, delayMs, problems });
        const mark = problems.length ? `FAIL (${problems.length})` : 'clean';
        const acks = before.tags.length + before.running.length;
        console.log(`  trial ${n}: ${op.kind}, kill at ${Math.round(delayMs)} ms${acks ? ` (after ${acks} acknowledged)` : ''}: ${mark}`);
        for (const p of problems) console.log(`    - ${p}`);
        // A daemon that could not start again ends the campaign: later trials would say nothing.
        if (d.process.exitCode !== null || d.process.signalCode !== null) break;
      }
    } finally {
      await reset(d).catch(() => {});
      await d.cleanup();
    }
    const clean = results.filter((r) => r.problems.length === 0).length;
    console.log(`  ${clean} of ${TRIALS} clean`);
    for (const r of results.filter((x) => x.problems.length)) {
      console.log(`  failed trial ${r.n} (${r.kind}, kill at ${Math.round(r.delayMs)} ms):`);
      for (const p of r.problems) console.log(`    - ${p}`);
    }
    const figures: Figure[] = [{ name: 'trials clean', value: clean, unit: `of ${TRIALS}`, higherIsBetter: true, goal: `${TRIALS} of ${TRIALS}` }];
    return figures;
  },
};
