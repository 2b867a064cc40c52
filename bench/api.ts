/**
 * @module bench/api
 * Round trip of the CLI against the daemon (`version`): the fixed cost under every command.
 */
import { performance } from 'node:perf_hooks';
import { run } from '../test/helpers/daemon.js';
import type { Workload } from './types.js';

async function median(n: number, f: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export const apiWorkload: Workload = {
  name: 'cli round trip',
  async run(ctx) {
    const berth = await median(10, async () => {
      const r = await ctx.berth.berth(['version']);
      if (r.code !== 0) throw new Error(r.stderr);
    });
    const floor = await median(10, async () => {
      await run(process.execPath, ['-e', '0']);
    });
    const docker = ctx.docker
      ? await median(10, async () => {
          await ctx.docker!.run(['version']);
        })
      : undefined;
    return [{ name: 'berth version (median of 10)', value: berth, unit: 'ms', higherIsBetter: false, floor, docker, goal: 'informational (floor: node start-up)' }];
  },
};
