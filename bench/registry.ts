/**
 * @module bench/registry
 * Push and pull of a 200 MB image (4 layers of 50 MB, half random and half text, so gzip has
 * work to do) to and from a local CNCF Distribution registry, and a pull whose layers are all
 * present, for berth and, in the same run, dockerd (each against a registry of its own so
 * neither finds the other's blobs). The floor of a push is gzip-compressing the layer tars
 * (`gzip -1`, what berth sends); the floor of a pull is gunzip of the same blobs; the floor of a
 * pull with every layer present is `berth version` (the CLI and one API round trip); these take
 * milliseconds and are timed as a shell runs them, many in a loop (bench/repeat.ts). The image
 * is made in a process of its own (registry-prep.ts), so the commands timed here are forked from
 * a small process.
 *
 * The machine is often shared, so one measurement of each is noise: berth and Docker take
 * turns, operation by operation, over {@link ROUNDS} rounds (each round against fresh
 * registries, so no push finds its blobs there), and each figure is the median of its rounds.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { berthBin, run } from '../test/helpers/daemon.js';
import { repeatTimed } from './repeat.js';
import { startRegistry } from '../test/helpers/registry.js';
import type { Floors } from './registry-prep.js';
import type { Figure, Workload } from './types.js';

async function timed(f: () => Promise<{ code: number; stderr: string; stdout?: string }>): Promise<number> {
  const t0 = performance.now();
  const r = await f();
  const ms = performance.now() - t0;
  if (r.code !== 0) throw new Error(r.stderr || r.stdout);
  return ms;
}

const ROUNDS = Number(process.env.BENCH_REGISTRY_ROUNDS) || 3;
/** Pulls with every layer present, per round, in one shell loop (they take milliseconds). */
const PRESENT_PULLS = Number(process.env.BENCH_REGISTRY_PRESENT_PULLS) || 20;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

type Cli = (args: string[]) => Promise<{ code: number; stderr: string; stdout?: string }>;
/** Runs the CLI with these arguments n times in a shell loop: the mean time of one, in ms. */
type Loop = (args: string[], n: number) => Promise<number>;

async function must(cli: Cli, args: string[]): Promise<void> {
  const r = await cli(args);
  if (r.code !== 0) throw new Error(r.stderr || r.stdout);
}

export const registryWorkload: Workload = {
  name: 'registry: push and pull a 200 MB image (local Distribution registry)',
  async run(ctx) {
    // Made, and the floors timed, in a process of its own (see registry-prep.ts): this one
    // forks every timed command and must not hold the layers.
    const archive = join(ctx.scratch, 'registry-bench.tar');
    const prep = await run(process.execPath, [fileURLToPath(new URL('./registry-prep.js', import.meta.url)), archive], { timeoutMs: 600_000 });
    if (prep.code !== 0) throw new Error(`registry-prep: ${prep.stderr}`);
    const { gzipMs, gunzipMs } = JSON.parse(prep.stdout) as Floors;

    const b = ctx.berth;
    const clis: { who: 'berth' | 'docker'; cli: Cli; loop: Loop }[] = [
      { who: 'berth', cli: (a) => b.berth(a, { timeoutMs: 600_000 }), loop: (a, n) => repeatTimed(berthBin, ['-H', b.host, ...a], n) },
    ];
    if (ctx.docker) clis.push({ who: 'docker', cli: (a) => ctx.docker!.run(a), loop: (a, n) => ctx.docker!.repeat(a, n) });
    const times = { berth: { push: [] as number[], pull: [] as number[], present: [] as number[] }, docker: { push: [] as number[], pull: [] as number[], present: [] as number[] } };
    const versions: number[] = [];
    for (const { cli } of clis) await must(cli, ['load', '-i', archive]);
    for (let round = 0; round < ROUNDS; round++) {
      // Fresh registries: every push uploads every layer.
      const regs = await Promise.all(clis.map(() => startRegistry()));
      try {
        const names = regs.map((r) => `${r.host}/regbench:1`);
        for (const [i, { cli }] of clis.entries()) await must(cli, ['tag', 'regbench:1', names[i]!]);
        for (const [i, { who, cli }] of clis.entries()) times[who].push.push(await timed(() => cli(['push', names[i]!])));
        // Nothing of the image stays, so the pull downloads every layer.
        for (const [i, { cli }] of clis.entries()) await must(cli, ['rmi', names[i]!, 'regbench:1']);
        for (const [i, { who, cli }] of clis.entries()) times[who].pull.push(await timed(() => cli(['pull', names[i]!])));
        // Milliseconds each: timed as a shell runs them, PRESENT_PULLS in a loop (bench/repeat.ts).
        for (const [i, { who, loop }] of clis.entries()) times[who].present.push(await loop(['pull', names[i]!], PRESENT_PULLS));
        // The floor of a pull with nothing to do: one CLI command and one API round trip.
        versions.push(await repeatTimed(berthBin, ['-H', b.host, 'version'], PRESENT_PULLS));
        for (const [i, { cli }] of clis.entries()) {
          await must(cli, ['tag', names[i]!, 'regbench:1']);
          await must(cli, ['rmi', names[i]!]);
        }
      } finally {
        await Promise.all(regs.map((r) => r.stop()));
        await run('sync', []);
      }
    }
    for (const { cli } of clis) await must(cli, ['rmi', 'regbench:1']);
    const docker = (xs: number[]) => (ctx.docker ? median(xs) : undefined);
    const of = `median of ${ROUNDS}`;
    const figures: Figure[] = [
      { name: `push 200 MB (${of})`, value: median(times.berth.push), unit: 'ms', higherIsBetter: false, floor: gzipMs, docker: docker(times.docker.push), goal: '≤ 0.5× docker' },
      { name: `pull 200 MB (${of})`, value: median(times.berth.pull), unit: 'ms', higherIsBetter: false, floor: gunzipMs, docker: docker(times.docker.pull), goal: '≤ 0.5× docker' },
      { name: `pull, all layers present (mean of ${PRESENT_PULLS} in a shell loop, ${of})`, value: median(times.berth.present), unit: 'ms', higherIsBetter: false, floor: median(versions), docker: docker(times.docker.present), goal: '≤ 0.2× docker' },
    ];
    return figures;
  },
};
