/**
 * @module runtime/spec/update-resources
 * The resources `runc update --resources -` gets when a running container's limits change
 * (`docker update`): the container's whole new set, as dockerd hands it to containerd. runc
 * leaves a value it gets as 0 unchanged, so a limit that is not set is simply left out; a
 * pids limit of 0 or less means none (-1, "max"), as dockerd sends it.
 */
import type { ResourceOptions } from './generate.js';
import type { OciResources } from './oci.js';

/** A container's resource limits after an update (HostConfig's, in the runtime's terms). */
export interface ResourceUpdate extends ResourceOptions {
  /** Block I/O weight, 10–1000 (0: unchanged). */
  blkioWeight?: number;
}

export function updateResources(r: ResourceUpdate): OciResources {
  const out: OciResources = {};
  const memory: NonNullable<OciResources['memory']> = {};
  if (r.memory && r.memory > 0) memory.limit = r.memory;
  if (r.memoryReservation && r.memoryReservation > 0) memory.reservation = r.memoryReservation;
  if (r.memorySwap && (r.memorySwap > 0 || r.memorySwap === -1)) memory.swap = r.memorySwap;
  if (Object.keys(memory).length) out.memory = memory;
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.cpuShares && r.cpuShares > 0) cpu.shares = r.cpuShares;
  if (r.nanoCpus && r.nanoCpus > 0) {
    cpu.period = 100_000;
    cpu.quota = Math.round((r.nanoCpus * 100_000) / 1e9);
  } else {
    if (r.cpuQuota && r.cpuQuota !== 0) cpu.quota = r.cpuQuota;
    if (r.cpuPeriod && r.cpuPeriod > 0) cpu.period = r.cpuPeriod;
  }
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if (Object.keys(cpu).length) out.cpu = cpu;
  if (r.pidsLimit !== undefined) out.pids = { limit: r.pidsLimit > 0 ? r.pidsLimit : -1 };
  if (r.blkioWeight && r.blkioWeight > 0) out.blockIO = { weight: r.blkioWeight };
  return out;
}
