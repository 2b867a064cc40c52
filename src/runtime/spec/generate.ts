/**
 * @module runtime/spec/generate
 * Builds a container's OCI spec (config.json) from resolved run options, with Docker's
 * defaults: capabilities, masked and read-only paths, the standard mounts, device rules,
 * namespaces (pid, ipc, uts, mount and network unless `host`), sysctls, cgroup limits, the
 * /etc files bind-mounted from the container's directory, and `--init`. Pure.
 */
import type { ResolvedUser } from './user.js';
import type { NamespaceSettings } from '../types.js';
import type { OciDevice, OciLinux, OciMount, OciNamespace, OciResources, OciSpec } from './oci.js';
import { effectiveCapabilities } from './capabilities.js';
import { defaultSeccompProfile } from './seccomp-default.js';
import { parseSeccompProfile, translateSeccomp } from './seccomp.js';
import {
  DEFAULT_SHM_SIZE, MASKED_PATHS, NETNS_SYSCTLS, READONLY_PATHS, defaultDeviceRules, defaultMounts,
} from './defaults.js';
import { cleanAbsPath } from '../../util/go-path.js';

export type NetworkSetting = { mode: 'none' } | { mode: 'host' } | { mode: 'path'; path: string };

export interface ResourceOptions {
  /** Bytes; 0 = unlimited. */
  memory?: number;
  /** Memory + swap in bytes; 0 = twice `memory`, -1 = unlimited. */
  memorySwap?: number;
  memoryReservation?: number;
  /** CPUs × 1e9 (`--cpus`). */
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  /** 0 or -1 = unlimited. */
  pidsLimit?: number;
  /** `--blkio-weight` (10–1000; 0 = unset). */
  blkioWeight?: number;
  /** `--oom-kill-disable`. */
  oomKillDisable?: boolean;
}

/** Where the container's /etc/hosts, /etc/resolv.conf and /etc/hostname come from (host paths). */
export interface EtcFiles {
  hosts?: string;
  resolvConf?: string;
  hostname?: string;
}

export interface SpecInput {
  /** Absolute host path of the (mounted) root file system. */
  rootfs: string;
  readonlyRootfs?: boolean;
  /** The command, already combined from ENTRYPOINT and CMD. */
  args: string[];
  /** The full process environment. */
  env: string[];
  cwd?: string;
  user: ResolvedUser;
  tty: boolean;
  consoleSize?: { height: number; width: number };
  hostname: string;
  domainname?: string;
  network: NetworkSetting;
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  /** /proc/sys/kernel/cap_last_cap of this host. */
  lastCap?: number;
  /** berthd's own capability bounding set (CapBnd). */
  bounding?: bigint;
  noNewPrivileges?: boolean;
  /**
   * The seccomp profile (`--security-opt seccomp=`): undefined, '' or 'builtin' for Docker's
   * default, 'unconfined' for none, else a Docker-format profile's JSON. Privileged containers
   * get none unless given a profile's JSON.
   */
  seccomp?: string;
  /** `--security-opt apparmor=` (applied by runc; the caller checks the host has AppArmor). */
  apparmorProfile?: string;
  /** Replace Docker's masked and read-only /proc and /sys paths (`systempaths=unconfined`: both empty). */
  maskedPaths?: readonly string[];
  readonlyPaths?: readonly string[];
  /** Binds, volumes and tmpfs mounts, already resolved to OCI mounts. */
  mounts?: OciMount[];
  etcFiles?: EtcFiles;
  resources?: ResourceOptions;
  cgroupsPath: string;
  oomScoreAdj?: number;
  /** `--ulimit`: RLIMIT_<NAME> soft/hard. */
  rlimits?: { type: string; hard: number; soft: number }[];
  shmSize?: number;
  /** Every device of the host (privileged containers get them all). */
  hostDevices?: OciDevice[];
  /** `--device` entries, with their cgroup access (default rwm). */
  devices?: (OciDevice & { access?: string })[];
  /** `--ipc`, `--pid`, `--uts`, `--cgroupns` (absent: namespaces of its own, the host's cgroup namespace). */
  namespaces?: NamespaceSettings;
  /** IPC `shareable` or `container`: the host tmpfs bound as /dev/shm. */
  shmSource?: string;
  annotations?: Record<string, string>;
  sysctls?: Record<string, string>;
  /** Host path of the init binary (`--init`), mounted as /sbin/docker-init. */
  init?: string;
}

export const INIT_PATH = '/sbin/docker-init';

const depth = (p: string) => p.split('/').filter(Boolean).length;

function mountsOf(input: SpecInput): OciMount[] {
  const user: OciMount[] = (input.mounts ?? []).map((m) => ({ ...m, destination: cleanAbsPath(m.destination) }));
  const etcOpts = ['rbind', 'rprivate', ...(input.readonlyRootfs ? ['ro'] : [])];
  const etc: [string, string | undefined][] = [
    ['/etc/resolv.conf', input.etcFiles?.resolvConf],
    ['/etc/hostname', input.etcFiles?.hostname],
    ['/etc/hosts', input.etcFiles?.hosts],
  ];
  for (const [dest, src] of etc) {
    if (src && !user.some((m) => m.destination === dest)) user.push({ destination: dest, type: 'bind', source: src, options: etcOpts });
  }
  if (input.init) user.push({ destination: INIT_PATH, type: 'bind', source: input.init, options: ['bind', 'ro'] });
  // Parents before children (a stable sort keeps the user's order otherwise).
  user.sort((a, b) => depth(a.destination) - depth(b.destination));
  const taken = new Set(user.map((m) => m.destination));
  const ipc = input.namespaces?.ipc;
  const defaults = defaultMounts({ privileged: !!input.privileged, shmSize: input.shmSize || DEFAULT_SHM_SIZE })
    .filter((m) => !taken.has(m.destination) && !(m.destination.startsWith('/dev/') && taken.has('/dev')))
    .flatMap((m): OciMount[] => {
      if (m.destination !== '/dev/shm' || !ipc) return [m];
      // IPC none: no /dev/shm; the host's or another container's IPC: its /dev/shm.
      if (ipc.mode === 'none') return [];
      const source = ipc.mode === 'host' ? '/dev/shm' : input.shmSource;
      if (!source) return [m];
      return [{ destination: '/dev/shm', type: 'bind', source, options: ['rbind', 'nosuid', 'noexec', 'nodev'] }];
    });
  return [...defaults, ...user];
}

function resourcesOf(input: SpecInput): OciResources {
  const r = input.resources ?? {};
  const out: OciResources = {
    devices: input.privileged ? [{ allow: true, access: 'rwm' }] : defaultDeviceRules(),
  };
  for (const d of input.devices ?? []) {
    if (d.type === 'b' || d.type === 'c') out.devices!.push({ allow: true, type: d.type, major: d.major, minor: d.minor, access: d.access || 'rwm' });
  }
  if (r.memory && r.memory > 0) {
    out.memory = { limit: r.memory };
    if (r.memorySwap === -1) out.memory.swap = -1;
    else out.memory.swap = r.memorySwap && r.memorySwap > 0 ? r.memorySwap : r.memory * 2;
  }
  if (r.memoryReservation && r.memoryReservation > 0) out.memory = { ...out.memory, reservation: r.memoryReservation };
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.nanoCpus && r.nanoCpus > 0) {
    cpu.period = 100_000;
    cpu.quota = Math.round((r.nanoCpus * 100_000) / 1e9);
  }
  if (r.cpuQuota && r.cpuQuota > 0) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod && r.cpuPeriod > 0) cpu.period = r.cpuPeriod;
  if (r.cpuShares && r.cpuShares > 0) cpu.shares = r.cpuShares;
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if (Object.keys(cpu).length) out.cpu = cpu;
  if (r.pidsLimit && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit };
  if (r.blkioWeight && r.blkioWeight > 0) out.blockIO = { weight: r.blkioWeight };
  if (r.oomKillDisable) out.memory = { ...out.memory, disableOOMKiller: true };
  return out;
}

/** The namespaces runc makes or joins: pid, ipc, uts, mount, network, and cgroup when private. */
function namespacesOf(input: SpecInput): OciNamespace[] {
  const ns = input.namespaces ?? {};
  const out: OciNamespace[] = [];
  if (ns.pid?.mode === 'path') out.push({ type: 'pid', path: ns.pid.path });
  else if (ns.pid?.mode !== 'host') out.push({ type: 'pid' });
  if (ns.ipc?.mode === 'container') out.push({ type: 'ipc', path: `/proc/${ns.ipc.pid}/ns/ipc` });
  else if (ns.ipc?.mode !== 'host') out.push({ type: 'ipc' });
  if (!ns.uts) out.push({ type: 'uts' });
  out.push({ type: 'mount' });
  if (input.network.mode === 'none') out.push({ type: 'network' });
  else if (input.network.mode === 'path') out.push({ type: 'network', path: input.network.path });
  if (ns.cgroup?.mode === 'private') out.push({ type: 'cgroup' });
  return out;
}

export function generateSpec(input: SpecInput): OciSpec {
  const caps = effectiveCapabilities({ privileged: input.privileged, add: input.capAdd, drop: input.capDrop, lastCap: input.lastCap, bounding: input.bounding });
  const namespaces = namespacesOf(input);
  const linux: OciLinux = {
    namespaces,
    resources: resourcesOf(input),
    cgroupsPath: input.cgroupsPath,
  };
  if (!input.privileged) {
    linux.maskedPaths = [...(input.maskedPaths ?? MASKED_PATHS)];
    linux.readonlyPaths = [...(input.readonlyPaths ?? READONLY_PATHS)];
  }
  const seccomp = seccompOf(input, caps);
  if (seccomp) linux.seccomp = seccomp;
  const devices = [...(input.privileged ? input.hostDevices ?? [] : []), ...(input.devices ?? []).map(({ access: _access, ...d }) => d)];
  if (devices.length) {
    const seen = new Set<string>();
    linux.devices = devices.filter((d) => !seen.has(d.path) && (seen.add(d.path), true));
  }
  const sysctl: Record<string, string> = { ...(input.network.mode === 'host' ? {} : NETNS_SYSCTLS), ...(input.sysctls ?? {}) };
  // As dockerd does: the domain name as a sysctl too, since runc before 1.2 ignores `domainname`
  // (runc refuses it in the host's UTS namespace, as dockerd's runs do).
  if (input.domainname) sysctl['kernel.domainname'] = input.domainname;
  if (Object.keys(sysctl).length) linux.sysctl = sysctl;

  const args = input.init ? [INIT_PATH, '--', ...input.args] : [...input.args];
  const spec: OciSpec = {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: input.tty,
      user: { uid: input.user.uid, gid: input.user.gid, ...(input.user.additionalGids.length ? { additionalGids: [...input.user.additionalGids] } : {}) },
      args,
      env: [...input.env],
      cwd: input.cwd && input.cwd !== '' ? cleanAbsPath(input.cwd) : '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: !!input.noNewPrivileges,
      oomScoreAdj: input.oomScoreAdj ?? 0,
      ...(input.rlimits?.length ? { rlimits: input.rlimits.map((r) => ({ ...r })) } : {}),
    },
    root: { path: input.rootfs, readonly: !!input.readonlyRootfs },
    ...(input.namespaces?.uts ? {} : { hostname: input.hostname }),
    mounts: mountsOf(input),
    linux,
  };
  if (input.annotations && Object.keys(input.annotations).length) spec.annotations = { ...input.annotations };
  if (input.tty && input.consoleSize && input.consoleSize.height > 0 && input.consoleSize.width > 0) {
    spec.process.consoleSize = { ...input.consoleSize };
  }
  if (input.domainname && !input.namespaces?.uts) spec.domainname = input.domainname;
  if (input.apparmorProfile) spec.process.apparmorProfile = input.apparmorProfile;
  return spec;
}

/** Docker's choice of seccomp filter (moby's WithSeccomp), evaluated against the container's capabilities. */
function seccompOf(input: SpecInput, caps: readonly string[]): OciLinux['seccomp'] {
  const p = input.seccomp ?? '';
  if (p === 'unconfined') return undefined;
  const custom = p !== '' && p !== 'builtin';
  if (input.privileged && !custom) return undefined;
  return translateSeccomp(custom ? parseSeccompProfile(p) : defaultSeccompProfile(), { caps });
}
