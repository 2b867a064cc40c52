/**
 * @module engine/containers/run-options
 * dockerd's checks of the HostConfig resource and namespace options at create (IPC, PID, UTS
 * and cgroup namespace modes, isolation, OOM score, memory swap and reservation, CPU period,
 * quota and set, block I/O weight), the warnings it answers with, the `platform` check of
 * the image, and the namespaces a container joins at start (`container:NAME`, `host`).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ContainerCreateRequest, HostConfigWire } from '../../api/types/containers.js';
import { InvalidArgument, NotFound, SystemError } from '../../errdefs/index.js';
import type { Platform } from '../../image/manifest.js';
import { formatPlatform, normalizePlatform, parsePlatform } from '../../registry/platform.js';
import { hostPlatform } from '../../image/manifest.js';
import type { NamespaceSettings } from '../../runtime/types.js';
import type { ContainerRecord } from './record.js';

const MIB = 1024 * 1024;

/** `container:NAME` → NAME; undefined for other modes. */
export function joinedContainer(mode: string | undefined): string | undefined {
  return mode?.startsWith('container:') ? mode.slice('container:'.length) : undefined;
}

/** A CPU list (`0-3,5`) as the CPU numbers it names; undefined when malformed. */
export function parseCpuList(list: string): number[] | undefined {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return undefined;
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

/** dockerd's create-time checks of these options, with its words (400 unless said otherwise). */
export function checkRunOptions(req: ContainerCreateRequest, ncpu: number): void {
  const h = req.HostConfig ?? {};
  const ipc = h.IpcMode ?? '';
  if (ipc && !['private', 'shareable', 'host', 'none'].includes(ipc) && joinedContainer(ipc) === undefined) {
    throw new InvalidArgument(`Invalid IPC mode: ${ipc}`);
  }
  const pid = h.PidMode ?? '';
  if (pid && pid !== 'host' && !joinedContainer(pid)) throw new InvalidArgument(`Invalid PID mode: ${pid}`);
  const uts = h.UTSMode ?? '';
  if (uts && uts !== 'host') throw new InvalidArgument(`Invalid UTS mode: ${uts}`);
  if (uts === 'host' && req.Hostname) throw new InvalidArgument('conflicting options: hostname and the UTS mode');
  const cgns = h.CgroupnsMode ?? '';
  if (cgns && cgns !== 'host' && cgns !== 'private') throw new InvalidArgument(`invalid cgroup namespace mode: ${cgns}`);
  const iso = h.Isolation ?? '';
  // dockerd's words; it answers 500, berth 400 (a bad request body is never a server error here).
  if (iso && iso.toLowerCase() !== 'default') throw new InvalidArgument(`Invalid isolation: "${iso}" - linux only supports 'default'`);
  if (h.OomScoreAdj !== undefined && (h.OomScoreAdj < -1000 || h.OomScoreAdj > 1000)) {
    throw new InvalidArgument(`Invalid value ${h.OomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  }
  if (h.MemorySwap && h.MemorySwap > 0 && !h.Memory) {
    throw new InvalidArgument('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (h.MemoryReservation && h.MemoryReservation > 0 && h.MemoryReservation < 6 * MIB) throw new InvalidArgument('Minimum memory reservation allowed is 6MB');
  if (h.CpuPeriod && (h.CpuPeriod < 1000 || h.CpuPeriod > 1_000_000)) {
    throw new InvalidArgument('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (h.CpuQuota && h.CpuQuota > 0 && h.CpuQuota < 1000) throw new InvalidArgument('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if (h.CpusetCpus) {
    const cpus = parseCpuList(h.CpusetCpus);
    if (!cpus) throw new InvalidArgument(`Invalid value ${h.CpusetCpus} for cpuset cpus: invalid format: ${h.CpusetCpus}`);
    if (cpus.some((c) => c >= ncpu)) throw new InvalidArgument(`Requested CPUs are not available - requested ${h.CpusetCpus}, available: ${ncpu > 1 ? `0-${ncpu - 1}` : '0'}`);
  }
}

/** Whether this host's cgroups can weigh block I/O (v1 `blkio.weight` / `blkio.bfq.weight`, v2 `io.weight`). */
export function blkioWeightSupported(cgroupRoot = '/sys/fs/cgroup'): boolean {
  if (['blkio/blkio.weight', 'blkio/blkio.bfq.weight'].some((f) => existsSync(`${cgroupRoot}/${f}`))) return true;
  try {
    return readFileSync(`${cgroupRoot}/cgroup.controllers`, 'utf8').split(/\s+/).includes('io');
  } catch {
    return false;
  }
}

/**
 * The warnings dockerd answers a create with, and the HostConfig as it records it: a block I/O
 * weight this kernel cannot apply is discarded (unchecked, as dockerd does), else checked.
 */
/** dockerd 20.10's warning for a kernel memory limit (kept, and shown in inspect). */
export function kernelMemoryWarnings(kernelMemory: number | undefined): string[] {
  return kernelMemory && kernelMemory > 0 ? ['Specifying a kernel memory limit is deprecated and will be removed in a future release.'] : [];
}

export function createWarnings(h: HostConfigWire, opts: { blkioWeight: boolean }): string[] {
  const out: string[] = [];
  if (h.BlkioWeight && h.BlkioWeight > 0 && !opts.blkioWeight) {
    out.push('Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.');
    h.BlkioWeight = 0;
  }
  if (h.BlkioWeight && (h.BlkioWeight < 10 || h.BlkioWeight > 1000)) throw new InvalidArgument('Range of blkio weight is from 10 to 1000');
  out.push(...kernelMemoryWarnings(h.KernelMemory));
  if (h.OomKillDisable && !(h.Memory && h.Memory > 0)) {
    out.push('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');
  }
  return out;
}

/** The `platform` query of a create: the local image must be of that platform (404 otherwise, so clients pull). */
export function checkImagePlatform(ref: string, platform: string | undefined, image: { os?: string; architecture?: string; variant?: string }): void {
  if (!platform) return;
  const want = normalizePlatform(parsePlatform(platform, hostPlatform()));
  const have: Platform = normalizePlatform({ os: image.os || 'linux', architecture: image.architecture || hostPlatform().architecture, ...(image.variant ? { variant: image.variant } : {}) });
  const variantsDiffer = want.variant && have.variant && want.variant !== have.variant;
  if (want.os !== have.os || want.architecture !== have.architecture || variantsDiffer) {
    // Shown as containerd formats them: arm64's default variant (v8) left out.
    const show = (p: Platform) => formatPlatform(p.architecture === 'arm64' && p.variant === 'v8' ? { os: p.os, architecture: p.architecture } : p);
    throw new NotFound(`image with reference ${ref} was found but does not match the specified platform: wanted ${show(want)}, actual: ${show(have)}`);
  }
}

/** What `--pid`/`--ipc container:NAME` need of the other container. */
export interface NamespaceDonor {
  find(ref: string): ContainerRecord | undefined;
  /** The container's directory. */
  dirOf(id: string): string;
}

function runningDonor(donors: NamespaceDonor, ref: string, what: string | undefined): ContainerRecord {
  const rec = donors.find(ref);
  if (!rec) throw new InvalidArgument(`No such container: ${ref}`);
  if (!rec.State.Running || !rec.State.Pid) {
    const msg = `container ${rec.ID} is not running`;
    throw new SystemError(what ? `can't join ${what} of container ${rec.ID}: ${msg}` : msg);
  }
  return rec;
}

/** The namespaces a container's process gets at start, from its IPC, PID, UTS and cgroup namespace modes. */
export function namespaceSettings(h: HostConfigWire, donors: NamespaceDonor): NamespaceSettings {
  const out: NamespaceSettings = {};
  const ipc = h.IpcMode ?? '';
  const ipcFrom = joinedContainer(ipc);
  if (ipcFrom !== undefined) {
    const d = runningDonor(donors, ipcFrom, 'IPC');
    const mode = d.HostConfig.IpcMode ?? '';
    if (mode !== 'shareable' && mode !== 'host') {
      throw new SystemError(`can't join IPC of container ${d.ID}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`);
    }
    out.ipc = mode === 'host' ? { mode: 'host' } : { mode: 'container', pid: d.State.Pid, dir: donors.dirOf(d.ID) };
  } else if (ipc === 'host') out.ipc = { mode: 'host' };
  else if (ipc === 'shareable') out.ipc = { mode: 'shareable' };
  else if (ipc === 'none') out.ipc = { mode: 'none' };
  const pidFrom = joinedContainer(h.PidMode);
  if (pidFrom !== undefined) out.pid = { mode: 'path', path: `/proc/${runningDonor(donors, pidFrom, undefined).State.Pid}/ns/pid` };
  else if (h.PidMode === 'host') out.pid = { mode: 'host' };
  if (h.UTSMode === 'host') out.uts = { mode: 'host' };
  if (h.CgroupnsMode === 'private') out.cgroup = { mode: 'private' };
  return out;
}
