/**
 * @module engine/containers/queries
 * What the API shows of containers: the inspect document, the `ps` summary with Docker's
 * status text and filters (id, name, label, status, exited, ancestor, before, since, volume,
 * network), and the counts for /info.
 */
import type { ContainerInspect, ContainerSummary } from '../../api/types/containers.js';
import { InvalidArgument, NotFound } from '../../errdefs/index.js';
import { DEFAULT_SHM_SIZE, MASKED_PATHS, READONLY_PATHS } from '../../runtime/types.js';
import type { ContainerContext } from './context.js';
import { containerModeTarget, effectiveNetworkMode } from './create-config.js';
import { mountPointWire, type PlannedMount } from './mounts.js';
import type { ContainerRecord } from './record.js';
import { healthSuffix } from './health.js';
import { statusText } from './status.js';
import type { ListOptions } from './types.js';

function command(rec: ContainerRecord): string {
  if (!rec.Args.length) return rec.Path;
  return `${rec.Path} ${rec.Args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`;
}

function networkName(rec: ContainerRecord): string {
  return effectiveNetworkMode(rec.HostConfig.NetworkMode);
}

function endpoint(): Record<string, unknown> {
  return {
    IPAMConfig: null, Links: null, Aliases: null, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0,
    IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: '', DriverOpts: null,
  };
}

export function summary(rec: ContainerRecord, ctx?: Pick<ContainerContext, 'deps'>): ContainerSummary {
  const net = ctx?.deps.networking?.summary(rec);
  return {
    Id: rec.ID,
    Names: [rec.Name],
    Image: rec.Config.Image,
    ImageID: rec.ImageID,
    Command: command(rec),
    Created: Math.floor(Date.parse(rec.Created) / 1000),
    Ports: net?.ports ?? [],
    Labels: rec.Config.Labels ?? {},
    State: rec.State.Status,
    Status: statusText({ status: rec.State.Status, startedAt: rec.State.StartedAt, finishedAt: rec.State.FinishedAt, exitCode: rec.State.ExitCode }) + healthSuffix(rec),
    HostConfig: { NetworkMode: rec.HostConfig.NetworkMode ?? 'default' },
    NetworkSettings: { Networks: net?.networks ?? { [networkName(rec)]: endpoint() } },
    Mounts: (rec.Mounts as PlannedMount[]).map(mountPointWire),
  };
}

/** The keys of dockerd 20.10's HostConfig that it always answers, at their zero values. */
const HOST_CONFIG_ZERO: Readonly<Record<string, unknown>> = {
  Binds: null, ContainerIDFile: '', LogConfig: null, NetworkMode: '', PortBindings: null, RestartPolicy: null, AutoRemove: false,
  VolumeDriver: '', VolumesFrom: null, CapAdd: null, CapDrop: null, CgroupnsMode: '', Dns: null, DnsOptions: null, DnsSearch: null,
  ExtraHosts: null, GroupAdd: null, IpcMode: '', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: false,
  PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '', UsernsMode: '', ShmSize: 0, ConsoleSize: [0, 0],
  Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0, CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: null,
  BlkioDeviceReadBps: null, BlkioDeviceWriteBps: null, BlkioDeviceReadIOps: null, BlkioDeviceWriteIOps: null, CpuPeriod: 0,
  CpuQuota: 0, CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: null, DeviceCgroupRules: null,
  DeviceRequests: null, KernelMemory: 0, KernelMemoryTCP: 0, MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: null,
  OomKillDisable: false, PidsLimit: null, Ulimits: null, CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
  MaskedPaths: null, ReadonlyPaths: null,
};

/**
 * HostConfig as dockerd 20.10 answers it: every key present, with the value berth applies where
 * the request left one out (private IPC namespace, runc, the host's cgroup namespace, a 64 MiB
 * /dev/shm, the default masked and read-only /proc paths), and null for "no limit".
 */
function inspectHostConfig(h: ContainerRecord['HostConfig']): Record<string, unknown> {
  const privileged = !!h.Privileged;
  return {
    // A client sending only some keys (docker-py, compose) still sees them all, in dockerd's order.
    ...HOST_CONFIG_ZERO,
    ...h,
    IpcMode: h.IpcMode || 'private',
    Runtime: h.Runtime || 'runc',
    CgroupnsMode: h.CgroupnsMode || 'host',
    PidMode: h.PidMode ?? '',
    UTSMode: h.UTSMode ?? '',
    Isolation: h.Isolation ?? '',
    CgroupParent: h.CgroupParent ?? '',
    BlkioWeight: h.BlkioWeight ?? 0,
    OomKillDisable: h.OomKillDisable ?? false,
    ShmSize: h.ShmSize || DEFAULT_SHM_SIZE,
    KernelMemory: h.KernelMemory ?? 0,
    KernelMemoryTCP: h.KernelMemoryTCP ?? 0,
    MemorySwappiness: h.MemorySwappiness === undefined || h.MemorySwappiness === -1 ? null : h.MemorySwappiness,
    PidsLimit: h.PidsLimit && h.PidsLimit > 0 ? h.PidsLimit : null,
    MaskedPaths: h.MaskedPaths ?? (privileged ? null : [...MASKED_PATHS]),
    ReadonlyPaths: h.ReadonlyPaths ?? (privileged ? null : [...READONLY_PATHS]),
  };
}

export function inspectRecord(ctx: Pick<ContainerContext, 'store' | 'deps'>, rec: ContainerRecord): ContainerInspect {
  const dir = ctx.store.dirOf(rec.ID);
  const f = ctx.deps.runtime.paths(dir, rec.ID);
  // `--network container:NAME` uses NAME's /etc files, and shows them as its own.
  const shared = containerModeTarget(rec.HostConfig.NetworkMode);
  const nc = shared ? ctx.store.find(shared) : undefined;
  const etc = nc ? ctx.deps.runtime.paths(ctx.store.dirOf(nc.ID), nc.ID) : f;
  const net = networkName(rec);
  // dockerd names a container's /etc files and its log file from its first start on.
  const started = !!rec.HasBeenStarted;
  return {
    Id: rec.ID,
    Created: rec.Created,
    Path: rec.Path,
    Args: rec.Args,
    State: { ...rec.State },
    Image: rec.ImageID,
    ResolvConfPath: started ? etc.resolvConf : '',
    HostnamePath: started ? etc.hostname : '',
    HostsPath: started ? etc.hosts : '',
    // dockerd names only the json-file driver's file.
    LogPath: started && (rec.HostConfig.LogConfig?.Type || 'json-file') === 'json-file' ? f.log : '',
    Name: rec.Name,
    RestartCount: rec.RestartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: inspectHostConfig(rec.HostConfig),
    GraphDriver: { Data: { LowerDir: '', MergedDir: f.rootfs, UpperDir: f.upper, WorkDir: f.work }, Name: 'overlay2' },
    Mounts: (rec.Mounts as PlannedMount[]).map(mountPointWire),
    Config: rec.Config,
    NetworkSettings: ctx.deps.networking?.inspectSettings(rec) ?? {
      Bridge: '', SandboxID: '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, Ports: {},
      SandboxKey: rec.State.Running && net === 'none' ? `/proc/${rec.State.Pid}/ns/net` : '', SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, IPAddress: '',
      IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '', Networks: { [net]: endpoint() },
    },
  };
}

const FILTERS = ['id', 'name', 'label', 'status', 'exited', 'ancestor', 'before', 'since', 'volume', 'network', 'health', 'isolation', 'is-task', 'publish', 'expose'];
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

function labelMatch(labels: Record<string, string>, f: string): boolean {
  const [k, v] = f.split('=', 2) as [string, string?];
  return k in labels && (v === undefined || labels[k] === v);
}

/**
 * Docker matches a name filter as a regular expression against the name with its leading
 * slash and against the bare name (`^/web$` and `^web$` both match), unanchored; a pattern that
 * does not compile matches nothing.
 */
function nameMatches(pattern: string, slashName: string): boolean {
  try {
    const re = new RegExp(pattern);
    return re.test(slashName) || re.test(slashName.replace(/^\//, ''));
  } catch {
    return false;
  }
}

const HEALTH_VALUES = ['starting', 'healthy', 'unhealthy', 'none'];

/** Go's strconv.ParseUint(s, 10, 16), with its errors. */
function parsePortNumber(s: string): number {
  if (!/^\d+$/.test(s)) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 65535) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** The ports a `publish` or `expose` filter names (`80`, `80/udp`, `8000-8080/tcp`), as `PORT/PROTO`; dockerd's errors. */
function portFilter(key: string, values: string[] | undefined): Set<string> | undefined {
  if (!values?.length) return undefined;
  const out = new Set<string>();
  for (const v of values) {
    if (v.includes(':')) throw new InvalidArgument(`filter for '${key}' should not contain ':': ${v}`);
    const parts = v.split('/');
    const [port, proto] = !v || !parts[0] ? ['', ''] : parts.length === 1 || !parts[1] ? [parts[0]!, 'tcp'] : [parts[0]!, parts[1]!];
    try {
      if (!port) throw new Error('Empty string specified for ports.');
      const [a, b] = port.includes('-') ? port.split('-', 2).map(parsePortNumber) : [parsePortNumber(port), parsePortNumber(port)];
      if (b! < a!) throw new Error(`Invalid range specified for the Port: ${port}`);
      for (let i = a!; i <= b!; i++) out.add(`${i}/${proto}`);
    } catch (e) {
      throw new InvalidArgument(`error while looking up for ${key} ${v}: ${(e as Error).message}`);
    }
  }
  return out;
}

export function listContainers(ctx: Pick<ContainerContext, 'store' | 'deps'>, opts: ListOptions, ancestorIds: (ref: string) => string[]): ContainerSummary[] {
  const f = opts.filters;
  for (const k of f.keys()) if (!FILTERS.includes(k)) throw new InvalidArgument(`Invalid filter '${k}'`);
  for (const s of f.get('status') ?? []) if (!STATUSES.includes(s)) throw new InvalidArgument(`Invalid filter 'status=${s}'`);
  for (const e of f.get('exited') ?? []) if (!/^[+-]?\d+$/.test(e)) throw new InvalidArgument(`strconv.Atoi: parsing "${e}": invalid syntax`);
  for (const h of f.get('health') ?? []) if (!HEALTH_VALUES.includes(h)) throw new InvalidArgument(`Unrecognised filter value for health: ${h}`);
  const isTask = f.get('is-task');
  if (isTask && !(isTask.length === 1 && (isTask[0] === 'true' || isTask[0] === 'false'))) throw new InvalidArgument(`Invalid filter 'is-task=[${isTask.join(' ')}]'`);
  let recs = ctx.store.all().sort((a, b) => (a.Created < b.Created ? 1 : a.Created > b.Created ? -1 : 0));
  const createdOf = (ref: string) => {
    try {
      return ctx.store.resolve(ref).Created;
    } catch (e) {
      // dockerd 20.10's words for a before/since filter naming no container.
      throw e instanceof NotFound ? new NotFound(`no such container ${ref}`, { cause: e }) : e;
    }
  };
  const before = f.get('before')?.map(createdOf);
  const since = f.get('since')?.map(createdOf);
  const ancestors = f.has('ancestor') ? new Set(f.get('ancestor')!.flatMap(ancestorIds)) : undefined;
  const publish = portFilter('publish', f.get('publish'));
  const expose = portFilter('expose', f.get('expose'));
  const all = opts.all || (opts.limit !== undefined && opts.limit > 0) || f.has('status') || f.has('exited') || !!before || !!since;
  recs = recs.filter((r) => {
    if (!all && !r.State.Running) return false;
    if (f.has('id') && !f.get('id')!.some((v) => r.ID.startsWith(v))) return false;
    if (f.has('name') && !f.get('name')!.some((v) => nameMatches(v, r.Name))) return false;
    if (f.has('label') && !f.get('label')!.every((l) => labelMatch(r.Config.Labels ?? {}, l))) return false;
    if (f.has('status') && !f.get('status')!.includes(r.State.Status)) return false;
    if (f.has('health') && !f.get('health')!.includes(r.State.Health?.Status ?? 'none')) return false;
    if (f.has('exited') && (r.State.Running || !r.HasBeenStarted || !f.get('exited')!.map(Number).includes(r.State.ExitCode))) return false;
    if (before && !before.every((c) => r.Created < c)) return false;
    if (since && !since.every((c) => r.Created > c)) return false;
    if (ancestors && !ancestors.has(r.ImageID)) return false;
    // No container is a swarm task.
    if (isTask?.[0] === 'true') return false;
    if (f.has('volume') && !f.get('volume')!.some((v) => (r.Mounts as PlannedMount[]).some((m) => m.Name === v || m.Destination === v || m.Source === v))) return false;
    if (f.has('network') && !f.get('network')!.some((n) => n === networkName(r) || (n === 'bridge' && r.HostConfig.NetworkMode === 'default') || Object.keys(r.NetworkConfig ?? {}).includes(n))) return false;
    if (publish || expose) {
      // As dockerd: the ports of the container's network attachment (none while it is not on a network).
      const ports = ctx.deps.networking?.summary(r).ports ?? [];
      if (publish && !ports.some((p) => p.PublicPort && publish.has(`${p.PrivatePort}/${p.Type}`))) return false;
      if (expose && !ports.some((p) => expose.has(`${p.PrivatePort}/${p.Type}`))) return false;
    }
    return true;
  });
  if (opts.limit !== undefined && opts.limit > 0) recs = recs.slice(0, opts.limit);
  return recs.map((r) => summary(r, ctx));
}
