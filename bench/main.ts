/**
 * @module bench/main
 * `npm run bench [NAME…]`: runs each workload against a fresh berthd (and a fresh dockerd when
 * Debian's docker.io is installed) and prints each figure beside the floor and Docker's figure
 * as ratios. Workloads are listed in bench/workloads.ts.
 */
import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, stopCliHost } from '../test/helpers/daemon.js';
import { startDockerd } from './dockerd.js';
import type { Figure } from './types.js';
import { workloads } from './workloads.js';

function ratio(value: number, other: number | undefined, higherIsBetter: boolean): string {
  if (other === undefined || other === 0) return '';
  // Express as "time-like" ratio: how many times the other's cost berth's cost is.
  const r = higherIsBetter ? other / value : value / other;
  return `${r.toFixed(2)}×`;
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected = workloads.filter((w) => (only.length === 0 ? !w.onlyWhenNamed : only.some((o) => w.name.includes(o))));
  const scratch = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  // The berth launcher's CLI host for this run, in a directory of its own; stopped at the end.
  process.env.BERTH_CLI_DIR = join(scratch, 'cli');
  // At the default log level, as a user runs it (dockerd runs at its default level here too).
  const berth = await startDaemon({ extraArgs: ['--log-level', 'info'] });
  const docker = selected.some((w) => w.usesDocker !== false) ? await startDockerd(scratch) : undefined;
  if (!docker && selected.some((w) => w.usesDocker !== false)) console.log('(dockerd not installed: Docker columns are empty; `apt-get install docker.io` to compare)');
  const rows: Figure[] = [];
  try {
    for (const w of selected) {
      console.log(`# ${w.name}`);
      try {
        const figures = await w.run({ berth, docker: docker ?? undefined, scratch });
        for (const f of figures) {
          rows.push(f);
          const parts = [`${f.name}: ${fmt(f.value)} ${f.unit}`];
          if (f.floor !== undefined) parts.push(`floor ${fmt(f.floor)} ${f.unit} (berth/floor cost ${ratio(f.value, f.floor, f.higherIsBetter)})`);
          if (f.docker !== undefined) parts.push(`docker ${fmt(f.docker)} ${f.unit} (berth/docker cost ${ratio(f.value, f.docker, f.higherIsBetter)})`);
          if (f.goal) parts.push(`goal ${f.goal}`);
          console.log('  ' + parts.join(' | '));
        }
      } catch (e) {
        console.log(`  failed: ${(e as Error).stack ?? e}`);
        process.exitCode = 1;
      }
    }
  } finally {
    await berth.cleanup();
    await stopCliHost(process.env.BERTH_CLI_DIR);
    await docker?.stop();
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

await main();
