/**
 * @module engine/containers/maintenance
 * `top` (the host's ps, filtered to the container's processes, as dockerd does) and
 * `container prune` (stopped containers, with `until` and `label` filters).
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ContainerPruneReport, TopResponse } from '../../api/types/containers.js';
import { Conflict, InvalidArgument, SystemError } from '../../errdefs/index.js';
import type { ContainerContext } from './context.js';
import { removeStopped } from './exit.js';
import { labelsPass, untilTime } from '../../util/until-time.js';

const execFileP = promisify(execFile);

export async function topOf(ctx: Pick<ContainerContext, 'store' | 'deps'>, ref: string, psArgs = '-ef'): Promise<TopResponse> {
  const rec = ctx.store.resolve(ref);
  if (!rec.State.Running) throw new Conflict(`Container ${rec.ID} is not running`);
  const pids = new Set(await ctx.deps.runtime.pids(rec.ID));
  let out: string;
  try {
    ({ stdout: out } = await execFileP('ps', psArgs.split(/\s+/).filter(Boolean), { maxBuffer: 16 << 20 }));
  } catch (e) {
    // dockerd reports the first line of ps's complaint.
    const first = String((e as { stderr?: unknown }).stderr ?? '').split('\n')[0];
    throw new SystemError(`ps: ${first || (e as Error).message}`, { cause: e });
  }
  const lines = out.split('\n').filter((l) => l.trim());
  const titles = lines[0]!.trim().split(/\s+/);
  const pidCol = titles.indexOf('PID');
  if (pidCol < 0) throw new InvalidArgument(`Couldn't find PID field in ps output`);
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (!pids.has(Number(fields[pidCol]))) continue;
    // The last column (the command) keeps its spaces.
    processes.push([...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')]);
  }
  return { Titles: titles, Processes: processes };
}

/** Bytes of the regular files under a directory (a container's upper directory: SizeRw). */
export async function duBytes(dir: string): Promise<number> {
  let total = 0;
  const walk = async (d: string) => {
    const names = await fs.readdir(d).catch(() => [] as string[]);
    for (const n of names) {
      const st = await fs.lstat(join(d, n)).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) await walk(join(d, n));
      else total += st.size;
    }
  };
  await walk(dir);
  return total;
}


export async function pruneContainers(ctx: ContainerContext, filters: Map<string, string[]>): Promise<ContainerPruneReport> {
  for (const k of filters.keys()) if (k !== 'until' && k !== 'label' && k !== 'label!') throw new InvalidArgument(`Invalid filter '${k}'`);
  const until = filters.get('until')?.map((v) => untilTime(v));
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const rec of ctx.store.all()) {
    if (rec.State.Running || rec.State.Restarting || rec.State.Status === 'removing') continue;
    if (until && !until.every((t) => Date.parse(rec.Created) < t)) continue;
    if (!labelsPass(filters, rec.Config.Labels)) continue;
    const size = await duBytes(join(ctx.store.dirOf(rec.ID), 'upper'));
    try {
      await ctx.locks.run(rec.ID, async () => {
        if (rec.State.Running) return;
        await removeStopped(ctx, rec, {});
        deleted.push(rec.ID);
        reclaimed += size;
      });
    } catch {
      /* raced with a start */
    }
  }
  return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
}
