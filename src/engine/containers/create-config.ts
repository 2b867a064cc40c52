/**
 * @module engine/containers/create-config
 * Turns a create request and its image into a container record, as dockerd does: the
 * request's Config merged with the image's (user, env, command, workdir, ports, volumes,
 * labels, stop signal, healthcheck), HostConfig validated (network, restart policy, limits,
 * security options) and the mount points planned. Pure.
 */
import type { ContainerCreateRequest, HostConfigWire } from '../../api/types/containers.js';
import type { EndpointConfigWire } from '../../api/types/networks.js';
import { InvalidArgument, NotFound } from '../../errdefs/index.js';
import type { ContainerConfig, HealthConfig } from '../../image/config.js';
import { mergeCommand, processCommand } from '../../image/command.js';
import { mergeEnv } from '../../image/env.js';
import { planMounts, type PlannedMount } from './mounts.js';
import { initialState, type ContainerRecord } from './record.js';
import { isBuiltinNetworkMode } from '../../network/modes.js';
import { ALL_CAPABILITIES } from '../../runtime/types.js';
import { securitySettings } from './security-opts.js';
import { checkRunOptions } from './run-options.js';
import { type LogConfig, mergeLogConfig } from './log-config.js';
import { parseSignal } from './signals.js';

export interface CreateInputs {
  id: string;
  name: string;
  created: string;
  imageId: string;
  image: Partial<ContainerConfig> | null | undefined;
  request: ContainerCreateRequest;
  /** Number of CPUs on this host (for the --cpus range check). */
  ncpu: number;
  /** This host's name (the hostname of `--network host` containers). */
  hostName: string;
  /** The networks it joins, checked by the networking (none: only none/host/bridge-as-none). */
  networks?: Record<string, EndpointConfigWire>;
  /** The daemon's logging driver and options (daemon.json `log-driver`, `log-opts`). */
  logDefault?: LogConfig;
}

const strSlice = (v: string[] | string | null | undefined): string[] | null | undefined =>
  typeof v === 'string' ? [v] : v;

/** The network mode berth runs: '' and 'default'/'bridge' are `none` until bridge networking exists. */
export function effectiveNetworkMode(mode: string | undefined): 'none' | 'host' {
  return mode === 'host' ? 'host' : 'none';
}

/** The container whose network namespace `container:NAME` shares, or undefined for other modes. */
export function containerModeTarget(mode: string | undefined): string | undefined {
  return mode?.startsWith('container:') ? mode.slice('container:'.length) : undefined;
}

/**
 * `--network container:NAME`: the network settings are the other container's, so the request
 * may not give its own (dockerd checks this as it decodes the request, with these words).
 */
export function checkContainerNetworkMode(req: ContainerCreateRequest): void {
  const h = req.HostConfig ?? {};
  const mode = h.NetworkMode ?? '';
  if (mode !== 'container' && containerModeTarget(mode) === undefined) return;
  if (!containerModeTarget(mode)) throw new InvalidArgument('invalid network mode: invalid container format container:<name|id>');
  if (req.Hostname) throw new InvalidArgument('conflicting options: hostname and the network mode');
  if (h.Links?.length) throw new InvalidArgument("conflicting options: container type network can't be used with links. This would result in undefined behavior");
  if (h.Dns?.length) throw new InvalidArgument('conflicting options: dns and the network mode');
  if (h.ExtraHosts?.length) throw new InvalidArgument('conflicting options: custom host-to-IP mapping and the network mode');
  if (Object.keys(h.PortBindings ?? {}).length || h.PublishAllPorts) throw new InvalidArgument('conflicting options: port publishing and the container type network mode');
  if (Object.keys(req.ExposedPorts ?? {}).length) throw new InvalidArgument('conflicting options: port exposing and the container type network mode');
  const macs = [req.MacAddress, ...Object.values((req.NetworkingConfig?.EndpointsConfig ?? {}) as Record<string, EndpointConfigWire | null>).map((e) => e?.MacAddress)];
  if (macs.some(Boolean)) throw new InvalidArgument('conflicting options: mac-address and the network mode');
}

function checkHostConfig(h: HostConfigWire, ncpu: number, networksChecked: boolean): void {
  const mode = h.NetworkMode ?? '';
  if (!networksChecked && !isBuiltinNetworkMode(mode) && containerModeTarget(mode) === undefined) throw new NotFound(`network ${mode} not found`);
  const rp = h.RestartPolicy;
  if (rp && rp.Name && !['no', 'always', 'on-failure', 'unless-stopped'].includes(rp.Name)) {
    throw new InvalidArgument(`invalid restart policy '${rp.Name}'`);
  }
  if (rp && rp.Name !== 'on-failure' && rp.MaximumRetryCount) {
    throw new InvalidArgument(`maximum retry count cannot be used with restart policy '${rp.Name}'`);
  }
  if (rp && rp.MaximumRetryCount < 0) throw new InvalidArgument('invalid restart policy: maximum retry count cannot be negative');
  if (h.AutoRemove && rp && rp.Name && rp.Name !== 'no') {
    throw new InvalidArgument(`can't create 'AutoRemove' container with restart policy`);
  }
  if (h.Memory && h.Memory > 0 && h.Memory < 6 * 1024 * 1024) throw new InvalidArgument('Minimum memory limit allowed is 6MB');
  if (h.MemorySwap && h.MemorySwap > 0 && h.Memory && h.MemorySwap < h.Memory) {
    throw new InvalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (h.KernelMemory && h.KernelMemory > 0 && h.KernelMemory < 6 * 1024 * 1024) throw new InvalidArgument('Minimum kernel memory limit allowed is 6MB');
  if (h.NanoCpus && (h.NanoCpus < 1e7 || h.NanoCpus > ncpu * 1e9)) {
    throw new InvalidArgument(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
  }
  if (h.NanoCpus && (h.CpuQuota || h.CpuPeriod)) {
    throw new InvalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  }
  securitySettings(h);
  // dockerd refuses unknown capability names when the container is created, not when it starts.
  for (const [field, list] of [['CapAdd', h.CapAdd], ['CapDrop', h.CapDrop]] as const) {
    for (const raw of strSlice(list) ?? []) {
      let c = raw.trim().toUpperCase();
      if (c === '' || c === 'ALL') continue;
      if (!c.startsWith('CAP_')) c = `CAP_${c}`;
      if (!ALL_CAPABILITIES.includes(c)) throw new InvalidArgument(`invalid ${field}: unknown capability: "${c}"`);
    }
  }
  const userns = h.UsernsMode;
  if (userns && userns !== 'private' && userns !== 'shareable') throw new InvalidArgument(`UsernsMode "${userns}" is not supported by berth yet`);
}

/**
 * The container's health check: the request's, with what it leaves out (no test, zero
 * durations or retries) taken from the image's, as dockerd merges them.
 */
export function healthcheckField(req: HealthConfig | undefined, img: HealthConfig | undefined): { Healthcheck?: Record<string, unknown> } {
  if (!req) return img ? { Healthcheck: { ...img } } : {};
  const merged: HealthConfig = { ...req };
  if (!merged.Test?.length && img?.Test) merged.Test = img.Test;
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'Retries'] as const) if (!merged[k] && img?.[k]) merged[k] = img[k];
  // dockerd keeps no zero or null setting (docker-py sends `"Interval": null` for those unset).
  const out = merged as Record<string, unknown>;
  for (const k of ['Test', 'Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries']) {
    const v = out[k];
    if (v === null || v === 0 || (Array.isArray(v) && !v.length)) delete out[k];
  }
  return { Healthcheck: out };
}

/** dockerd's checks of a health check's settings. */
function checkHealthcheck(h: HealthConfig | undefined): void {
  if (!h) return;
  const MS = 1e6;
  if (h.Interval && h.Interval < MS) throw new InvalidArgument('Interval in Healthcheck cannot be less than 1ms');
  if (h.Timeout && h.Timeout < MS) throw new InvalidArgument('Timeout in Healthcheck cannot be less than 1ms');
  if (h.Retries && h.Retries < 0) throw new InvalidArgument('Retries in Healthcheck cannot be negative');
  if (h.StartPeriod && h.StartPeriod < MS) throw new InvalidArgument('StartPeriod in Healthcheck cannot be less than 1ms');
}

/** Checks of the create request outside HostConfig, with dockerd's words. */
function checkRequest(req: ContainerCreateRequest): void {
  const h = req.HostConfig ?? {};
  if (h.Memory && h.MemoryReservation && h.Memory < h.MemoryReservation) {
    throw new InvalidArgument('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if (req.StopSignal) parseSignal(req.StopSignal);
  checkHealthcheck(req.Healthcheck as HealthConfig | undefined);
  const endpoints = Object.keys(req.NetworkingConfig?.EndpointsConfig ?? {});
  if (endpoints.length > 1) throw new InvalidArgument(`Container cannot be connected to network endpoints: ${endpoints.sort().join(', ')}`);
}

export function buildRecord(inp: CreateInputs): { record: ContainerRecord; mounts: PlannedMount[] } {
  const req = inp.request;
  const img = inp.image ?? {};
  const host: HostConfigWire = { ...(req.HostConfig ?? {}) };
  checkHostConfig(host, inp.ncpu, inp.networks !== undefined);
  checkRunOptions(req, inp.ncpu);
  // Docker's default: swap (memory + swap) twice the memory limit, recorded as such.
  if (host.Memory && host.Memory > 0 && !host.MemorySwap) host.MemorySwap = host.Memory * 2;
  checkRequest(req);
  // As dockerd: a privileged container, or one in the host's IPC or PID namespace, is recorded
  // with SELinux labelling off, unless the request says something of labels itself.
  if ((host.Privileged || host.IpcMode === 'host' || host.PidMode === 'host') && !(host.SecurityOpt ?? []).some((o) => o.split('=')[0] === 'label')) {
    host.SecurityOpt = [...(host.SecurityOpt ?? []), 'label=disable'];
  }
  host.NetworkMode = host.NetworkMode || 'default';
  // Left out, it stays as sent (an empty name, as dockerd records it); `no` only when asked.
  host.RestartPolicy = { Name: host.RestartPolicy?.Name ?? '', MaximumRetryCount: host.RestartPolicy?.MaximumRetryCount ?? 0 };
  host.LogConfig = mergeLogConfig(host.LogConfig, inp.logDefault);

  const cmd = mergeCommand({ Entrypoint: strSlice(req.Entrypoint), Cmd: strSlice(req.Cmd) }, { Entrypoint: img.Entrypoint ?? null, Cmd: img.Cmd ?? null });
  const proc = processCommand(cmd);
  const cmdFromImage = !(strSlice(req.Cmd)?.length) && !(strSlice(req.Entrypoint)?.length) && req.Entrypoint == null;
  const exposed = { ...(img.ExposedPorts ?? {}), ...(req.ExposedPorts ?? {}) };
  const volumes = { ...(img.Volumes ?? {}), ...(req.Volumes ?? {}) };
  const labels = { ...(img.Labels ?? {}), ...(req.Labels ?? {}) };
  const isHost = effectiveNetworkMode(host.NetworkMode) === 'host';
  const hostname = req.Hostname || (isHost ? inp.hostName : inp.id.slice(0, 12));

  const config: ContainerRecord['Config'] = {
    Hostname: hostname,
    Domainname: req.Domainname ?? '',
    User: req.User || img.User || '',
    AttachStdin: !!req.AttachStdin,
    AttachStdout: !!req.AttachStdout,
    AttachStderr: !!req.AttachStderr,
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    Tty: !!req.Tty,
    OpenStdin: !!req.OpenStdin,
    StdinOnce: !!req.StdinOnce,
    Env: mergeEnv(req.Env, img.Env ?? null),
    Cmd: cmd.Cmd,
    ...healthcheckField(req.Healthcheck as HealthConfig | undefined, img.Healthcheck),
    ...(cmdFromImage && img.ArgsEscaped ? { ArgsEscaped: true } : {}),
    Image: req.Image ?? '',
    Volumes: Object.keys(volumes).length ? volumes : null,
    WorkingDir: req.WorkingDir || img.WorkingDir || '',
    Entrypoint: cmd.Entrypoint,
    OnBuild: img.OnBuild && img.OnBuild.length ? img.OnBuild : null,
    Labels: labels,
    ...(req.StopSignal || img.StopSignal ? { StopSignal: req.StopSignal || img.StopSignal } : {}),
    ...(req.StopTimeout !== undefined && req.StopTimeout !== null ? { StopTimeout: req.StopTimeout } : {}),
  };
  if (config.WorkingDir && !config.WorkingDir.startsWith('/')) {
    throw new InvalidArgument(`the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`);
  }
  const mounts = planMounts({ binds: host.Binds, mounts: host.Mounts, tmpfs: host.Tmpfs, imageVolumes: Object.keys(volumes) });
  const record: ContainerRecord = {
    ID: inp.id,
    Name: `/${inp.name}`,
    Created: inp.created,
    Path: proc.path,
    Args: proc.args,
    Config: config,
    HostConfig: host,
    ImageID: inp.imageId,
    State: initialState(),
    RestartCount: 0,
    Mounts: [],
    ...(inp.networks && Object.keys(inp.networks).length ? { NetworkConfig: inp.networks } : {}),
  };
  return { record, mounts };
}
