/**
 * @module runtime/cgroup-stats
 * A container's resource usage read from its cgroup, on either hierarchy: cgroup v1 (memory,
 * cpuacct, cpu, pids, blkio controllers, each mounted under `<root>/<controller>`) or the
 * unified v2 hierarchy (`<root>` itself, or `<root>/unified` on a hybrid host like this one,
 * where the controllers stay on v1). Network counters come from the process's
 * /proc/PID/net/dev, which shows the container's namespace. Figures are what the kernel
 * reports, in Docker's units (nanoseconds of CPU, bytes).
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface NetworkCounters {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/** One sample of a container's usage. */
export interface ResourceUsage {
  /** When it was read (ms since the epoch). */
  readAt: number;
  cpu: {
    /** Nanoseconds of CPU used by the container's tasks. */
    total: number;
    /** Per CPU (cgroup v1 only; Docker leaves it out on v2). */
    perCpu?: number[];
    kernel: number;
    user: number;
    throttling: { periods: number; throttledPeriods: number; throttledTime: number };
  };
  /** The host's CPU time (nanoseconds), as /proc/stat counts it: the base of CPU %. */
  systemCpu: number;
  onlineCpus: number;
  memory: { usage: number; maxUsage?: number; limit: number; failcnt?: number; stats: Record<string, number> };
  pids: { current: number; limit?: number };
  /** Bytes read and written per device (io_service_bytes_recursive). */
  blkio: BlkioEntry[];
  /** Per interface of the container's network namespace, `lo` left out. */
  networks?: Record<string, NetworkCounters>;
}

/** USER_HZ: the unit of /proc/stat and cpuacct.stat (100 on every Linux Node runs on). */
const TICK_NS = 10_000_000;

async function read(path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === 'max') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** `key value` lines (memory.stat, cpu.stat, cpuacct.stat) as numbers. */
export function parseFlatKeyed(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** The host's CPU time in nanoseconds: the first seven fields of /proc/stat's `cpu` line, as dockerd sums them. */
export function parseSystemCpu(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  return line.trim().split(/\s+/).slice(1, 8).reduce((s, f) => s + Number(f), 0) * TICK_NS;
}

/** blkio.throttle.io_service_bytes_recursive (v1): `8:0 Read 4096` lines; `Total` lines dropped. */
export function parseBlkioV1(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const m = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
  }
  return out;
}

/** io.stat (v2): `8:0 rbytes=4096 wbytes=0 …` lines, as dockerd turns them into read/write entries. */
export function parseIoStatV2(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [dev, ...kvs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const kv = Object.fromEntries(kvs.map((x) => x.split('=') as [string, string]));
    out.push({ major: Number(m[1]), minor: Number(m[2]), op: 'read', value: Number(kv.rbytes ?? 0) });
    out.push({ major: Number(m[1]), minor: Number(m[2]), op: 'write', value: Number(kv.wbytes ?? 0) });
  }
  return out;
}

/** /proc/PID/net/dev: counters per interface, `lo` left out. */
export function parseNetDev(text: string): Record<string, NetworkCounters> {
  const out: Record<string, NetworkCounters> = {};
  for (const line of text.split('\n').slice(2)) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const name = line.slice(0, i).trim();
    if (name === 'lo') continue;
    const f = line.slice(i + 1).trim().split(/\s+/).map(Number);
    out[name] = {
      rx_bytes: f[0] ?? 0, rx_packets: f[1] ?? 0, rx_errors: f[2] ?? 0, rx_dropped: f[3] ?? 0,
      tx_bytes: f[8] ?? 0, tx_packets: f[9] ?? 0, tx_errors: f[10] ?? 0, tx_dropped: f[11] ?? 0,
    };
  }
  return out;
}

export interface UsageSource {
  /** Where the cgroup hierarchies are mounted (/sys/fs/cgroup). */
  cgroupRoot: string;
  /** The container's cgroup, relative to each hierarchy's root. */
  cgroupPath: string;
  /** The container's init (for its network namespace's counters); 0: none read. */
  pid: number;
  /** /proc (tests give a fixture). */
  procRoot: string;
  onlineCpus: number;
  /** The host's memory: the limit reported when the container has none, as dockerd does. */
  hostMemory: number;
  /** Read network counters (not for `host` or `none` networks). */
  withNetworks: boolean;
}

/** Reads one sample. Which hierarchy holds the container is found by the files present. */
export async function readUsage(src: UsageSource): Promise<ResourceUsage> {
  const v1 = (ctl: string, file: string) => read(join(src.cgroupRoot, ctl, src.cgroupPath, file));
  const [memUsage, procStat] = await Promise.all([v1('memory', 'memory.usage_in_bytes'), read(join(src.procRoot, 'stat'))]);
  const usage: ResourceUsage = memUsage !== undefined ? await readV1(src, v1, memUsage) : await readV2(src);
  usage.systemCpu = parseSystemCpu(procStat ?? '');
  if (src.withNetworks && src.pid > 0) {
    const dev = await read(join(src.procRoot, String(src.pid), 'net', 'dev'));
    if (dev !== undefined) usage.networks = parseNetDev(dev);
  }
  return usage;
}

async function readV1(src: UsageSource, v1: (ctl: string, file: string) => Promise<string | undefined>, memUsage: string): Promise<ResourceUsage> {
  const [maxUsage, limit, failcnt, memStat, cpuUsage, perCpu, cpuacctStat, cpuStat, pidsCurrent, pidsMax, blkio] = await Promise.all([
    v1('memory', 'memory.max_usage_in_bytes'), v1('memory', 'memory.limit_in_bytes'), v1('memory', 'memory.failcnt'), v1('memory', 'memory.stat'),
    v1('cpuacct', 'cpuacct.usage'), v1('cpuacct', 'cpuacct.usage_percpu'), v1('cpuacct', 'cpuacct.stat'), v1('cpu', 'cpu.stat'),
    v1('pids', 'pids.current'), v1('pids', 'pids.max'), v1('blkio', 'blkio.throttle.io_service_bytes_recursive'),
  ]);
  const ticks = parseFlatKeyed(cpuacctStat);
  const throttle = parseFlatKeyed(cpuStat);
  return {
    readAt: Date.now(),
    cpu: {
      total: num(cpuUsage) ?? 0,
      perCpu: (perCpu ?? '').trim().split(/\s+/).filter(Boolean).map(Number),
      kernel: (ticks.system ?? 0) * TICK_NS,
      user: (ticks.user ?? 0) * TICK_NS,
      throttling: { periods: throttle.nr_periods ?? 0, throttledPeriods: throttle.nr_throttled ?? 0, throttledTime: throttle.throttled_time ?? 0 },
    },
    systemCpu: 0,
    onlineCpus: src.onlineCpus,
    memory: {
      usage: num(memUsage) ?? 0,
      maxUsage: num(maxUsage) ?? 0,
      limit: Math.min(num(limit) ?? src.hostMemory, src.hostMemory),
      failcnt: num(failcnt) ?? 0,
      stats: parseFlatKeyed(memStat),
    },
    pids: { current: num(pidsCurrent) ?? 0, limit: num(pidsMax) },
    blkio: parseBlkioV1(blkio),
  };
}

async function readV2(src: UsageSource): Promise<ResourceUsage> {
  // A pure v2 host mounts the hierarchy at the root; a hybrid one under unified/.
  let base = join(src.cgroupRoot, src.cgroupPath);
  if ((await read(join(base, 'cgroup.procs'))) === undefined) base = join(src.cgroupRoot, 'unified', src.cgroupPath);
  const f = (name: string) => read(join(base, name));
  const [current, max, memStat, cpuStat, pidsCurrent, pidsMax, ioStat] = await Promise.all([
    f('memory.current'), f('memory.max'), f('memory.stat'), f('cpu.stat'), f('pids.current'), f('pids.max'), f('io.stat'),
  ]);
  const cpu = parseFlatKeyed(cpuStat);
  return {
    readAt: Date.now(),
    cpu: {
      total: (cpu.usage_usec ?? 0) * 1000,
      kernel: (cpu.system_usec ?? 0) * 1000,
      user: (cpu.user_usec ?? 0) * 1000,
      throttling: { periods: cpu.nr_periods ?? 0, throttledPeriods: cpu.nr_throttled ?? 0, throttledTime: (cpu.throttled_usec ?? 0) * 1000 },
    },
    systemCpu: 0,
    onlineCpus: src.onlineCpus,
    memory: { usage: num(current) ?? 0, limit: Math.min(num(max) ?? src.hostMemory, src.hostMemory), stats: parseFlatKeyed(memStat) },
    pids: { current: num(pidsCurrent) ?? 0, limit: num(pidsMax) },
    blkio: parseIoStatV2(ioStat),
  };
}
