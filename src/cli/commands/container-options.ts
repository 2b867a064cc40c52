/**
 * @module cli/commands/container-options
 * The flags `berth run` and `berth create` share, and how they become a create request, as
 * the docker CLI builds it: env files, memory sizes, CPUs, `--mount` and `--tmpfs`, restart
 * policies, ports, labels, and the command after the image.
 */
import { readFileSync } from 'node:fs';
import type { ContainerCreateRequest, HostConfigWire, MountWire } from '../../api/types/containers.js';
import { parseDuration } from '../../dockerfile/instructions/duration.js';
import { ExitError } from '../command.js';
import { FlagError, type FlagSpec, type Flags } from '../../util/flags.js';
import { parsePortProto, parsePublish, PortSpecError, portKey } from '../../util/port-spec.js';
import { checkNamespaceFlags, exposeError, parseDevice, parseSysctls, parseUlimits, RunOptionError } from './run-option-parsers.js';

/** A flag with a string value. */
const stringFlag = (long: string, help: string, short?: string, placeholder = 'string'): FlagSpec => ({ long, short, type: 'string', help, placeholder });
/** A repeatable flag whose values are collected in a list. */
const listFlag = (long: string, help: string, short?: string, placeholder = 'list'): FlagSpec => ({ long, short, type: 'list', help, placeholder });
/** A flag without a value (`--rm`, `-it`). */
const boolFlag = (long: string, help: string, short?: string): FlagSpec => ({ long, short, type: 'bool', help });

export const createFlags: FlagSpec[] = [
  listFlag('add-host', 'Add a custom host-to-IP mapping (host:ip)'),
  listFlag('annotation', 'Add an annotation to the container (passed through to the OCI runtime)', undefined, 'map'),
  listFlag('attach', 'Attach to STDIN, STDOUT or STDERR', 'a'),
  listFlag('cap-add', 'Add Linux capabilities'),
  { long: 'blkio-weight', type: 'int', help: 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)', placeholder: 'uint16' },
  listFlag('cap-drop', 'Drop Linux capabilities'),
  stringFlag('cgroup-parent', 'Optional parent cgroup for the container'),
  stringFlag('cgroupns', "Cgroup namespace to use (host|private): 'host' the host's, 'private' its own, '' the daemon's default"),
  stringFlag('cidfile', 'Write the container ID to the file'),
  { long: 'cpu-period', type: 'int', help: 'Limit CPU CFS (Completely Fair Scheduler) period' },
  { long: 'cpu-quota', type: 'int', help: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
  { long: 'cpu-shares', short: 'c', type: 'int', help: 'CPU shares (relative weight)' },
  stringFlag('cpus', 'Number of CPUs', undefined, 'decimal'),
  stringFlag('cpuset-cpus', 'CPUs in which to allow execution (0-3, 0,1)'),
  stringFlag('cpuset-mems', 'MEMs in which to allow execution (0-3, 0,1)'),
  listFlag('device', 'Add a host device to the container'),
  listFlag('dns', 'Set custom DNS servers'),
  listFlag('dns-option', 'Set DNS options'),
  listFlag('dns-search', 'Set custom DNS search domains'),
  stringFlag('domainname', 'Container NIS domain name'),
  stringFlag('entrypoint', 'Overwrite the default ENTRYPOINT of the image'),
  listFlag('env', 'Set environment variables', 'e'),
  listFlag('env-file', 'Read in a file of environment variables'),
  listFlag('expose', 'Expose a port or a range of ports'),
  listFlag('group-add', 'Add additional groups to join'),
  stringFlag('health-cmd', 'Command to run to check health'),
  stringFlag('health-interval', 'Time between running the check (ms|s|m|h) (default 0s)', undefined, 'duration'),
  { long: 'health-retries', type: 'int', help: 'Consecutive failures needed to report unhealthy' },
  stringFlag('health-start-period', 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)', undefined, 'duration'),
  stringFlag('health-timeout', 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)', undefined, 'duration'),
  stringFlag('hostname', 'Container host name', 'h'),
  boolFlag('no-healthcheck', 'Disable any container-specified HEALTHCHECK'),
  boolFlag('init', 'Run an init inside the container that forwards signals and reaps processes'),
  boolFlag('interactive', 'Keep STDIN open even if not attached', 'i'),
  stringFlag('ip', 'IPv4 address (e.g., 172.30.100.104)'),
  stringFlag('ipc', 'IPC mode to use'),
  stringFlag('isolation', 'Container isolation technology'),
  listFlag('label', 'Set meta data on a container', 'l'),
  listFlag('label-file', 'Read in a line delimited file of labels'),
  listFlag('link', 'Add link to another container'),
  stringFlag('log-driver', 'Logging driver for the container'),
  listFlag('log-opt', 'Log driver options'),
  stringFlag('mac-address', 'Container MAC address (e.g., 92:d0:c6:0a:29:33)'),
  stringFlag('memory', 'Memory limit', 'm', 'bytes'),
  stringFlag('memory-reservation', 'Memory soft limit', undefined, 'bytes'),
  stringFlag('memory-swap', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", undefined, 'bytes'),
  listFlag('mount', 'Attach a filesystem mount to the container', undefined, 'mount'),
  stringFlag('name', 'Assign a name to the container'),
  stringFlag('network', 'Connect a container to a network', undefined, 'network'),
  { long: 'net', type: 'string', help: 'Connect a container to a network', hidden: true },
  listFlag('network-alias', 'Add network-scoped alias for the container'),
  { long: 'net-alias', type: 'list', help: 'Add network-scoped alias for the container', hidden: true },
  boolFlag('oom-kill-disable', 'Disable OOM Killer'),
  { long: 'oom-score-adj', type: 'int', help: "Tune host's OOM preferences (-1000 to 1000)" },
  stringFlag('pid', 'PID namespace to use'),
  { long: 'pids-limit', type: 'int', help: 'Tune container pids limit (set -1 for unlimited)' },
  stringFlag('platform', 'Set platform if server is multi-platform capable'),
  boolFlag('privileged', 'Give extended privileges to this container'),
  listFlag('publish', "Publish a container's port(s) to the host", 'p'),
  boolFlag('publish-all', 'Publish all exposed ports to random ports', 'P'),
  stringFlag('pull', 'Pull image before running ("always"|"missing"|"never")'),
  boolFlag('quiet', 'Suppress the pull output', 'q'),
  boolFlag('read-only', "Mount the container's root filesystem as read only"),
  stringFlag('restart', 'Restart policy to apply when a container exits'),
  listFlag('security-opt', 'Security Options'),
  stringFlag('shm-size', 'Size of /dev/shm', undefined, 'bytes'),
  stringFlag('stop-signal', 'Signal to stop the container'),
  { long: 'stop-timeout', type: 'int', help: 'Timeout (in seconds) to stop a container' },
  listFlag('sysctl', 'Sysctl options', undefined, 'map'),
  listFlag('tmpfs', 'Mount a tmpfs directory'),
  boolFlag('tty', 'Allocate a pseudo-TTY', 't'),
  listFlag('ulimit', 'Ulimit options', undefined, 'ulimit'),
  stringFlag('user', 'Username or UID (format: <name|uid>[:<group|gid>])', 'u'),
  stringFlag('uts', 'UTS namespace to use'),
  listFlag('volume', 'Bind mount a volume', 'v'),
  listFlag('volumes-from', 'Mount volumes from the specified container(s)'),
  stringFlag('workdir', 'Working directory inside the container', 'w'),
];

export const runOnlyFlags: FlagSpec[] = [
  boolFlag('detach', 'Run container in background and print container ID', 'd'),
  stringFlag('detach-keys', 'Override the key sequence for detaching a container'),
  boolFlag('rm', 'Automatically remove the container when it exits'),
  { long: 'sig-proxy', type: 'bool', help: 'Proxy received signals to the process', default: true },
];

/** docker's RAMInBytes: `64m`, `1g`, `512k`, `100` (binary units). */
export function parseBytes(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgtp]?)b?$/i.exec(v.trim());
  if (!m) throw new FlagError(`invalid argument "${v}" for "--${flag}" flag: invalid size: '${v}'`);
  const mult = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[m[2]!.toLowerCase()]!;
  return Math.floor(Number(m[1]) * mult);
}

/** Where the caller's environment and working directory come in. */
export interface CallerEnv {
  env: NodeJS.ProcessEnv;
  resolve(p: string): string;
}

function parseEnvFile(path: string, caller: CallerEnv): string[] {
  const env = caller.env;
  let text: string;
  try {
    text = readFileSync(caller.resolve(path), 'utf8');
  } catch (e) {
    throw new ExitError(125, `open ${path}: no such file or directory`, { cause: e });
  }
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#')) continue;
    if (line.includes('=')) out.push(line.replace(/\r$/, ''));
    else {
      const k = line.trim();
      if (env[k] !== undefined) out.push(`${k}=${env[k]}`);
    }
  }
  return out;
}

/**
 * `--security-opt` as the docker CLI sends it: `seccomp=FILE` becomes the file's JSON
 * (compacted), `systempaths=unconfined` becomes empty MaskedPaths and ReadonlyPaths (and is not
 * sent), an option without a value other than `no-new-privileges` is refused.
 */
export function securityOpts(list: string[], caller: CallerEnv): Pick<HostConfigWire, 'SecurityOpt' | 'MaskedPaths' | 'ReadonlyPaths'> {
  const out: Pick<HostConfigWire, 'SecurityOpt' | 'MaskedPaths' | 'ReadonlyPaths'> = {};
  const opts: string[] = [];
  for (const opt of list) {
    if (opt === 'systempaths=unconfined') {
      out.MaskedPaths = [];
      out.ReadonlyPaths = [];
      continue;
    }
    let sep = opt.indexOf('=');
    if (sep < 0 && opt !== 'no-new-privileges') sep = opt.indexOf(':');
    const k = sep < 0 ? opt : opt.slice(0, sep);
    const v = sep < 0 ? '' : opt.slice(sep + 1);
    if (v === '' && k !== 'no-new-privileges') throw new ExitError(125, `Invalid --security-opt: ${JSON.stringify(opt)}`);
    if (k === 'seccomp' && v !== 'unconfined' && v !== 'builtin') {
      let text: string;
      try {
        text = readFileSync(caller.resolve(v), 'utf8');
      } catch (e) {
        throw new ExitError(125, `opening seccomp profile (${v}) failed: open ${v}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, { cause: e });
      }
      try {
        opts.push(`seccomp=${JSON.stringify(JSON.parse(text))}`);
      } catch (e) {
        throw new ExitError(125, `compacting json for seccomp profile (${v}) failed: ${(e as Error).message}`, { cause: e });
      }
      continue;
    }
    opts.push(opt);
  }
  if (opts.length) out.SecurityOpt = opts;
  return out;
}

/** `-e NAME` takes NAME from the client's environment (dropped when unset), as docker does. */
export function envValues(list: string[], files: string[], caller: CallerEnv): string[] {
  const out: string[] = [];
  for (const f of files) out.push(...parseEnvFile(f, caller));
  for (const e of list) {
    if (e.includes('=')) out.push(e);
    else if (caller.env[e] !== undefined) out.push(`${e}=${caller.env[e]}`);
    else out.push(e);
  }
  return out;
}

export function parseMountFlag(v: string): MountWire {
  const m: MountWire = { Type: 'volume', Target: '' };
  for (const field of v.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);
    const bool = () => val === undefined || val === 'true' || val === '1';
    switch (key) {
      case 'type': m.Type = val as MountWire['Type']; break;
      case 'source': case 'src': m.Source = val; break;
      case 'target': case 'destination': case 'dst': m.Target = val ?? ''; break;
      case 'readonly': case 'ro': m.ReadOnly = bool(); break;
      case 'consistency': m.Consistency = val; break;
      case 'bind-propagation': m.BindOptions = { ...m.BindOptions, Propagation: val }; break;
      case 'bind-nonrecursive': m.BindOptions = { ...m.BindOptions, NonRecursive: bool() }; break;
      case 'volume-nocopy': m.VolumeOptions = { ...m.VolumeOptions, NoCopy: bool() }; break;
      case 'volume-driver': m.VolumeOptions = { ...m.VolumeOptions, DriverConfig: { ...m.VolumeOptions?.DriverConfig, Name: val } }; break;
      case 'volume-label': {
        const [k, lv] = (val ?? '').split('=', 2) as [string, string?];
        m.VolumeOptions = { ...m.VolumeOptions, Labels: { ...m.VolumeOptions?.Labels, [k]: lv ?? '' } };
        break;
      }
      case 'tmpfs-size': m.TmpfsOptions = { ...m.TmpfsOptions, SizeBytes: parseBytes(val ?? '', 'mount') }; break;
      case 'tmpfs-mode': m.TmpfsOptions = { ...m.TmpfsOptions, Mode: parseInt(val ?? '', 8) }; break;
      default:
        throw new FlagError(`invalid argument "${v}" for "--mount" flag: unexpected key '${key}' in '${field}'`);
    }
  }
  return m;
}

function parseRestart(v: string): HostConfigWire['RestartPolicy'] {
  if (!v) return undefined;
  const [name, count] = v.split(':', 2) as [string, string?];
  if (!['no', 'always', 'on-failure', 'unless-stopped'].includes(name)) throw new FlagError(`invalid restart policy ${name}`);
  if (count !== undefined && name !== 'on-failure') throw new FlagError(`invalid restart policy format: maximum retry count can only be used with 'on-failure'`);
  const n = count === undefined ? 0 : Number(count);
  if (!Number.isInteger(n)) throw new FlagError(`invalid restart policy format: maximum retry count must be an integer`);
  return { Name: name as 'no', MaximumRetryCount: n };
}

/** `--network-alias`, `--ip` and `--mac-address` apply to the network given with `--network`. */
function endpointsConfig(flags: Flags): Record<string, unknown> {
  const aliases = [...flags.list('network-alias'), ...flags.list('net-alias')];
  const ip = flags.string('ip');
  const mac = flags.string('mac-address');
  const net = flags.string('network') || flags.string('net') || 'default';
  // As the docker CLI: on a user network `--link` goes to the endpoint too (dockerd takes it from there).
  const userNetwork = !['default', 'bridge', 'host', 'none'].includes(net) && !net.startsWith('container:');
  const links = userNetwork ? flags.list('link') : [];
  if (!aliases.length && !ip && !mac && !links.length) return {};
  return {
    [net]: {
      ...(aliases.length ? { Aliases: aliases } : {}), ...(ip ? { IPAMConfig: { IPv4Address: ip } } : {}), ...(mac ? { MacAddress: mac } : {}),
      ...(links.length ? { Links: links } : {}),
    },
  };
}

/** `-p [ip:][hostPort:]containerPort[/proto]` (ranges expanded) and `--expose`. */
function parsePorts(list: string[], expose: string[]): { exposed: Record<string, Record<string, never>>; bindings: NonNullable<HostConfigWire['PortBindings']> } {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: NonNullable<HostConfigWire['PortBindings']> = {};
  for (const e of expose) {
    let r;
    try {
      r = parsePortProto(e);
    } catch (err) {
      throw exposeError(e, err);
    }
    for (let port = r.start; port <= r.end; port++) exposed[portKey(port, r.protocol)] = {};
  }
  for (const p of list) {
    let mappings;
    try {
      mappings = parsePublish(p);
    } catch (err) {
      if (!(err instanceof PortSpecError)) throw err;
      throw new FlagError(`invalid argument "${p}" for "-p, --publish" flag: ${err.message}`);
    }
    for (const m of mappings) {
      const key = portKey(m.containerPort, m.protocol);
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: m.hostIp, HostPort: m.hostPort });
    }
  }
  return { exposed, bindings };
}

function keyValues(list: string[], files: string[] = [], caller?: CallerEnv): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = [...files.flatMap((f) => readFileSync(caller ? caller.resolve(f) : f, 'utf8').split('\n').filter((x) => x.trim() && !x.startsWith('#'))), ...list];
  for (const kv of lines) {
    const eq = kv.indexOf('=');
    out[eq < 0 ? kv : kv.slice(0, eq)] = eq < 0 ? '' : kv.slice(eq + 1);
  }
  return out;
}

export interface CreatePlan {
  body: ContainerCreateRequest;
  name?: string;
  /** `--platform`: the create request's `platform` query. */
  platform?: string;
}

/** `--ipc`, `--pid`, `--uts` and `--cgroupns`, after the docker CLI's checks. */
function namespaceModes(flags: Flags): Pick<HostConfigWire, 'IpcMode' | 'PidMode' | 'UTSMode' | 'CgroupnsMode'> {
  const v = { pid: flags.string('pid'), uts: flags.string('uts'), cgroupns: flags.string('cgroupns') };
  checkNamespaceFlags(v);
  return { IpcMode: flags.string('ipc'), PidMode: v.pid, UTSMode: v.uts, CgroupnsMode: v.cgroupns };
}

/**
 * `--annotation KEY=VALUE`: HostConfig.Annotations exists from API 1.43; berthd answers 1.41, so
 * this CLI refuses the flag with the docker CLI 28's words, as that CLI does against berthd.
 */
function annotationsOf(list: string[]): Record<string, string> {
  if (list.length) throw new ExitError(1, '"--annotation" requires API version 1.43, but the Berth daemon API version is 1.41');
  return {};
}

/** The create request for `IMAGE [COMMAND] [ARG...]` with these flags. */
export function buildCreateRequest(
  flags: Flags,
  args: string[],
  opts: { detach: boolean; stdinIsTty: boolean; size?: [number, number]; caller: CallerEnv; command?: 'run' | 'create' },
): CreatePlan {
  try {
    return createRequestOf(flags, args, opts);
  } catch (e) {
    if (!(e instanceof RunOptionError)) throw e;
    throw new ExitError(125, `berth: ${e.message}\n\nRun 'berth ${opts.command ?? 'run'} --help' for more information`, { cause: e });
  }
}

function createRequestOf(
  flags: Flags,
  args: string[],
  opts: { detach: boolean; stdinIsTty: boolean; size?: [number, number]; caller: CallerEnv },
): CreatePlan {
  const [image, ...cmd] = args;
  const attach = flags.list('attach').map((a) => a.toLowerCase());
  for (const a of attach) if (!['stdin', 'stdout', 'stderr'].includes(a)) throw new FlagError(`invalid argument "${a}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`);
  const interactive = flags.bool('interactive');
  const tty = flags.bool('tty');
  const attachStdin = !opts.detach && (attach.length ? attach.includes('stdin') : interactive);
  const attachStdout = !opts.detach && (attach.length ? attach.includes('stdout') : true);
  const attachStderr = !opts.detach && (attach.length ? attach.includes('stderr') : true);
  const { exposed, bindings } = parsePorts(flags.list('publish'), flags.list('expose'));
  const host: HostConfigWire = {
    Binds: flags.list('volume').length ? flags.list('volume') : null,
    ...(flags.list('volumes-from').length ? { VolumesFrom: flags.list('volumes-from') } : {}),
    NetworkMode: flags.string('network') || flags.string('net') || 'default',
    PortBindings: bindings,
    RestartPolicy: parseRestart(flags.string('restart')) ?? { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: flags.bool('rm'),
    CapAdd: flags.list('cap-add').length ? flags.list('cap-add') : null,
    CapDrop: flags.list('cap-drop').length ? flags.list('cap-drop') : null,
    Dns: flags.list('dns'),
    DnsOptions: flags.list('dns-option'),
    DnsSearch: flags.list('dns-search'),
    ExtraHosts: flags.list('add-host').length ? flags.list('add-host') : null,
    GroupAdd: flags.list('group-add').length ? flags.list('group-add') : null,
    Links: flags.list('link').length ? flags.list('link') : null,
    OomScoreAdj: flags.int('oom-score-adj'),
    Privileged: flags.bool('privileged'),
    PublishAllPorts: flags.bool('publish-all'),
    ReadonlyRootfs: flags.bool('read-only'),
    SecurityOpt: null,
    ...securityOpts(flags.list('security-opt'), opts.caller),
    Tmpfs: flags.list('tmpfs').length ? Object.fromEntries(flags.list('tmpfs').map((t) => [t.split(':')[0]!, t.split(':').slice(1).join(':')])) : undefined,
    ShmSize: flags.string('shm-size') ? parseBytes(flags.string('shm-size'), 'shm-size') : 0,
    Sysctls: parseSysctls(flags.list('sysctl')),
    ConsoleSize: opts.size ?? [0, 0],
    Memory: flags.string('memory') ? parseBytes(flags.string('memory'), 'memory') : 0,
    MemoryReservation: flags.string('memory-reservation') ? parseBytes(flags.string('memory-reservation'), 'memory-reservation') : 0,
    MemorySwap: flags.string('memory-swap') ? (flags.string('memory-swap') === '-1' ? -1 : parseBytes(flags.string('memory-swap'), 'memory-swap')) : 0,
    NanoCpus: flags.string('cpus') ? Math.round(Number(flags.string('cpus')) * 1e9) : 0,
    CpuShares: flags.int('cpu-shares'),
    CpuPeriod: flags.int('cpu-period'),
    CpuQuota: flags.int('cpu-quota'),
    CpusetCpus: flags.string('cpuset-cpus'),
    CpusetMems: flags.string('cpuset-mems'),
    PidsLimit: flags.changed('pids-limit') ? flags.int('pids-limit') : null,
    Devices: flags.list('device').map(parseDevice),
    ...namespaceModes(flags),
    BlkioWeight: flags.int('blkio-weight'),
    OomKillDisable: flags.bool('oom-kill-disable'),
    CgroupParent: flags.string('cgroup-parent'),
    Isolation: flags.string('isolation'),
    Ulimits: parseUlimits(flags.list('ulimit')) ?? [],
    ...(flags.list('annotation').length ? { Annotations: annotationsOf(flags.list('annotation')) } : {}),
    Init: flags.bool('init') ? true : null,
    Mounts: flags.list('mount').length ? flags.list('mount').map(parseMountFlag) : undefined,
    LogConfig: { Type: flags.string('log-driver'), Config: keyValues(flags.list('log-opt')) },
  };
  if (flags.string('cpus') && !(Number(flags.string('cpus')) > 0)) throw new FlagError(`invalid argument "${flags.string('cpus')}" for "--cpus" flag: failed to parse ${flags.string('cpus')} as a rational number`);
  if (flags.string('log-driver') === 'none' && flags.list('log-opt').length) throw new FlagError('invalid logging opts for driver none');
  let entrypoint: string[] | undefined;
  if (flags.string('entrypoint')) entrypoint = [flags.string('entrypoint')];
  else if (flags.changed('entrypoint')) entrypoint = [''];
  const body: ContainerCreateRequest = {
    Hostname: flags.string('hostname'),
    Domainname: flags.string('domainname'),
    User: flags.string('user'),
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    Tty: tty,
    OpenStdin: interactive,
    StdinOnce: interactive && attachStdin,
    Env: envValues(flags.list('env'), flags.list('env-file'), opts.caller),
    Cmd: cmd.length ? cmd : null,
    Image: image!,
    Volumes: {},
    WorkingDir: flags.string('workdir'),
    Entrypoint: entrypoint ?? null,
    Labels: keyValues(flags.list('label'), flags.list('label-file'), opts.caller),
    ...(flags.string('stop-signal') ? { StopSignal: flags.string('stop-signal') } : {}),
    ...(flags.changed('stop-timeout') ? { StopTimeout: flags.int('stop-timeout') } : {}),
    ...healthcheckOf(flags),
    HostConfig: host,
    NetworkingConfig: { EndpointsConfig: endpointsConfig(flags) },
    ...(flags.string('mac-address') ? { MacAddress: flags.string('mac-address') } : {}),
  };
  if (!entrypoint) delete body.Entrypoint;
  void opts.stdinIsTty;
  return { body, name: flags.string('name') || undefined, platform: flags.string('platform') || undefined };
}

/** A `--health-*` duration in nanoseconds (0 when not given), with the docker CLI's errors. */
function healthDuration(flags: Flags, name: string): number {
  const v = flags.string(name);
  if (!v) return 0;
  let ns: number;
  try {
    ns = parseDuration(v);
  } catch (e) {
    throw new FlagError(`invalid argument "${v}" for "--${name}" flag: ${(e as Error).message}`);
  }
  if (ns < 0) throw new FlagError(`--${name} cannot be negative`);
  return ns;
}

/** Config.Healthcheck from `--health-*` and `--no-healthcheck`, as the docker CLI builds it. */
export function healthcheckOf(flags: Flags): Pick<ContainerCreateRequest, 'Healthcheck'> {
  const cmd = flags.string('health-cmd');
  const interval = healthDuration(flags, 'health-interval');
  const timeout = healthDuration(flags, 'health-timeout');
  const startPeriod = healthDuration(flags, 'health-start-period');
  const retries = flags.changed('health-retries') ? flags.int('health-retries') ?? 0 : 0;
  const any = cmd !== '' || interval !== 0 || timeout !== 0 || startPeriod !== 0 || retries !== 0;
  if (flags.bool('no-healthcheck')) {
    if (any) throw new FlagError('--no-healthcheck conflicts with --health-* options');
    return { Healthcheck: { Test: ['NONE'] } };
  }
  if (!any) return {};
  if (retries < 0) throw new FlagError('--health-retries cannot be negative');
  return { Healthcheck: { Test: cmd ? ['CMD-SHELL', cmd] : [], Interval: interval, Timeout: timeout, StartPeriod: startPeriod, Retries: retries } };
}
