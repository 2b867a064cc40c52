/**
 * @module engine/containers/update
 * `docker update` (POST /containers/{id}/update): new resource limits and restart policy for a
 * container, checked with dockerd's words, merged into its HostConfig (a value left 0 or empty
 * keeps the current one), saved, and applied live to a running container through the runtime.
 * A failure to apply restores the previous HostConfig. Starts and restarts use the saved one.
 *
 * Errors as dockerd's: settings that are invalid by themselves are 400s; ones that clash with
 * the container's current settings are 409s worded `Cannot update container <id>: …`.
 */
import type { ContainerUpdateRequest, ContainerUpdateResponse, HostConfigWire } from '../../api/types/containers.js';
import { Conflict, InvalidArgument, SystemError } from '../../errdefs/index.js';
import type { ContainerContext } from './context.js';
import { containerEvent } from './events.js';
import { kernelMemoryWarnings } from './run-options.js';

const MIN_MEMORY = 6 * 1024 * 1024;
const RESTART_POLICIES = ['', 'no', 'always', 'unless-stopped', 'on-failure'];

/** The CPUs of a cpuset list (`0-3,5`); undefined when it is malformed. */
export function parseCpuset(list: string): number[] | undefined {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return undefined;
    for (let i = lo; i <= hi; i++) out.push(i);
  }
  return out;
}

/** dockerd's checks of the update request on its own (400s). */
export function checkUpdate(u: ContainerUpdateRequest, ncpu: number): void {
  const mem = u.Memory ?? 0;
  const swap = u.MemorySwap ?? 0;
  const reservation = u.MemoryReservation ?? 0;
  if (mem > 0 && mem < MIN_MEMORY) throw new InvalidArgument('Minimum memory limit allowed is 6MB');
  if (mem > 0 && swap > 0 && swap < mem) throw new InvalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (mem > 0 && reservation > 0 && reservation > mem) {
    throw new InvalidArgument('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if (reservation > 0 && reservation < MIN_MEMORY) throw new InvalidArgument('Minimum memory reservation allowed is 6MB');
  if (u.KernelMemory && u.KernelMemory > 0 && u.KernelMemory < MIN_MEMORY) throw new InvalidArgument('Minimum kernel memory limit allowed is 6MB');
  const nano = u.NanoCpus ?? 0;
  if (nano && u.CpuQuota) throw new InvalidArgument('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (nano && u.CpuPeriod) throw new InvalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano && (nano < 1e7 || nano > ncpu * 1e9)) {
    throw new InvalidArgument(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
  }
  if (u.CpuPeriod && (u.CpuPeriod < 1000 || u.CpuPeriod > 1_000_000)) {
    throw new InvalidArgument('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (u.CpuQuota && u.CpuQuota > 0 && u.CpuQuota < 1000) throw new InvalidArgument('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if (u.CpuShares && u.CpuShares < 0) throw new InvalidArgument('CPU shares cannot be negative');
  const available = ncpu > 1 ? `0-${ncpu - 1}` : '0';
  if (u.CpusetCpus) {
    const cpus = parseCpuset(u.CpusetCpus);
    if (!cpus) throw new InvalidArgument(`Invalid value ${u.CpusetCpus} for cpuset cpus`);
    if (cpus.some((c) => c >= ncpu)) throw new InvalidArgument(`Requested CPUs are not available - requested ${u.CpusetCpus}, available: ${available}`);
  }
  if (u.CpusetMems && !parseCpuset(u.CpusetMems)) throw new InvalidArgument(`Invalid value ${u.CpusetMems} for cpuset mems`);
  if (u.BlkioWeight && (u.BlkioWeight < 10 || u.BlkioWeight > 1000)) throw new InvalidArgument('Range of blkio weight is from 10 to 1000');
  const rp = u.RestartPolicy;
  if (rp) {
    if (!RESTART_POLICIES.includes(rp.Name ?? '')) throw new InvalidArgument(`invalid restart policy '${rp.Name}'`);
    if (rp.Name && rp.Name !== 'on-failure' && rp.MaximumRetryCount) {
      throw new InvalidArgument(`maximum retry count cannot be used with restart policy '${rp.Name}'`);
    }
    if ((rp.MaximumRetryCount ?? 0) < 0) throw new InvalidArgument('invalid restart policy: maximum retry count cannot be negative');
  }
}

function clash(id: string, msg: string): Conflict {
  return new Conflict(`Cannot update container ${id}: ${msg}`);
}

/**
 * The container's HostConfig after the update (a copy), or a Conflict when the update clashes
 * with what is set (dockerd's container.UpdateContainer).
 */
export function mergeUpdate(id: string, current: HostConfigWire, u: ContainerUpdateRequest): HostConfigWire {
  const h: HostConfigWire = { ...current };
  const nano = u.NanoCpus ?? 0;
  if (nano > 0 && (h.CpuPeriod ?? 0) > 0) throw clash(id, 'Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set');
  if (nano > 0 && (h.CpuQuota ?? 0) > 0) throw clash(id, 'Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  if ((u.CpuPeriod ?? 0) > 0 && (h.NanoCpus ?? 0) > 0) throw clash(id, 'Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set');
  if ((u.CpuQuota ?? 0) > 0 && (h.NanoCpus ?? 0) > 0) throw clash(id, 'Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  if (u.BlkioWeight) h.BlkioWeight = u.BlkioWeight;
  if (u.CpuShares) h.CpuShares = u.CpuShares;
  if (nano) h.NanoCpus = nano;
  if (u.CpuPeriod) h.CpuPeriod = u.CpuPeriod;
  if (u.CpuQuota) h.CpuQuota = u.CpuQuota;
  if (u.CpusetCpus) h.CpusetCpus = u.CpusetCpus;
  if (u.CpusetMems) h.CpusetMems = u.CpusetMems;
  if (u.Memory) {
    // dockerd (20.10 and later alike) refuses a memory limit above the memory+swap limit in
    // place, 0 (none) included, unless the update sets that too.
    if (u.Memory > (h.MemorySwap ?? 0) && !u.MemorySwap) {
      throw clash(id, 'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    h.Memory = u.Memory;
  }
  if (u.MemorySwap) h.MemorySwap = u.MemorySwap;
  if (u.MemoryReservation) h.MemoryReservation = u.MemoryReservation;
  if (u.KernelMemory) h.KernelMemory = u.KernelMemory;
  if (u.PidsLimit !== undefined && u.PidsLimit !== null) h.PidsLimit = Math.max(u.PidsLimit, 0);
  const rp = u.RestartPolicy;
  if (rp?.Name) {
    if (current.AutoRemove && rp.Name !== 'no') throw clash(id, 'Restart policy cannot be updated because AutoRemove is enabled for the container');
    h.RestartPolicy = { Name: rp.Name, MaximumRetryCount: rp.MaximumRetryCount ?? 0 };
  }
  return h;
}

export async function updateContainer(ctx: ContainerContext, ref: string, u: ContainerUpdateRequest): Promise<ContainerUpdateResponse> {
  checkUpdate(u, ctx.deps.ncpu);
  const rec = ctx.store.resolve(ref);
  return ctx.locks.run(rec.ID, async () => {
    const before = rec.HostConfig;
    const after = mergeUpdate(rec.ID, before, u);
    let warnings = kernelMemoryWarnings(u.KernelMemory);
    rec.HostConfig = after;
    try {
      await ctx.store.save(rec);
      if (rec.State.Running && !rec.State.Restarting) {
        warnings = [...warnings, ...await ctx.deps.runtime.updateResources(rec.ID, {
          memory: after.Memory, memorySwap: after.MemorySwap, memoryReservation: after.MemoryReservation,
          nanoCpus: after.NanoCpus, cpuShares: after.CpuShares, cpuQuota: after.CpuQuota, cpuPeriod: after.CpuPeriod,
          cpusetCpus: after.CpusetCpus, cpusetMems: after.CpusetMems, blkioWeight: after.BlkioWeight,
          ...(u.PidsLimit !== undefined && u.PidsLimit !== null ? { pidsLimit: u.PidsLimit } : {}),
        }).catch((e: unknown) => {
          throw new SystemError(`Cannot update container ${rec.ID}: ${(e as Error).message}`, { cause: e });
        })];
      }
    } catch (e) {
      rec.HostConfig = before;
      await ctx.store.save(rec).catch(() => {});
      throw e;
    }
    containerEvent(ctx, rec, 'update');
    return { Warnings: warnings };
  });
}
