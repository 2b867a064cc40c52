/**
 * @module engine/containers/start
 * Starting a container: its mounts and settings turned into a runtime request, the process
 * created under its shim, pending attaches connected, the record saved as running, then
 * `runc start`. Failures leave the container exited with Docker's status (127 command not
 * found, 126 not runnable, 128 other) and Docker's error text.
 */
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync, realpathSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { InvalidArgument, NotModified, SystemError } from '../../errdefs/index.js';
import {
  CommandNotFound, CommandNotRunnable, ProcessCreateError, type CreatedProcess, type HostSettings, type OciMount, type ProcessConfig,
} from '../../runtime/types.js';
import { secureJoin } from '../../util/secure-join.js';
import { logger } from '../../util/log.js';
import { mountOf } from '../../util/mounts.js';
import type { ContainerContext } from './context.js';
import { effectiveNetworkMode } from './create-config.js';
import { handleExit } from './exit.js';
import { startHealthCheck } from './health.js';
import { checkTmpfsOptions, ociMounts, type PlannedMount } from './mounts.js';
import { joinNetwork, leaveNetwork } from './network.js';
import { nowRfc3339Nano, ZERO_TIME, type ContainerRecord } from './record.js';
import { securitySettings } from './security-opts.js';
import { DEFAULT_LOG_CONFIG, logSettings } from './log-config.js';
import { containerEvent, volumesMounted } from './events.js';
import { joinedContainer, namespaceSettings, type NamespaceDonor } from './run-options.js';
import { endpointLinkHosts, linkSettings } from './links.js';

const log = logger('containers');
const execFileP = promisify(execFile);

/** The links' /etc/hosts entries and environment, from the addresses the containers have now. */
function containerLinks(ctx: ContainerContext, rec: ContainerRecord): { hosts: string[]; env: string[] } {
  if (!ctx.deps.networking) return { hosts: [], env: [] };
  const networking = ctx.deps.networking;
  const networksOf = (r: ContainerRecord) => (networking.inspectSettings(r).Networks ?? {}) as Record<string, { IPAddress?: string; Links?: string[] | null }>;
  const endpoints = networksOf(rec);
  const mine = Object.keys(endpoints);
  const find = (ref: string) => ctx.store.find(ref);
  const legacy = rec.HostConfig.Links?.length
    ? linkSettings(rec, find, (target) => {
        const theirs = networksOf(target);
        const shared = mine.find((n) => theirs[n]?.IPAddress);
        return shared ? { ip: theirs[shared]!.IPAddress!, defaultBridge: shared === 'bridge' } : undefined;
      })
    : { hosts: [], env: [] };
  const onUserNetworks = endpointLinkHosts(endpoints, find, (target, network) => networksOf(target)[network]?.IPAddress || undefined);
  return { hosts: [...legacy.hosts, ...onUserNetworks], env: legacy.env };
}

/** The main process; `linkEnv` (the links' variables) comes before the container's own. */
function processConfig(rec: ContainerRecord, linkEnv: string[] = []): ProcessConfig {
  const size = rec.HostConfig.ConsoleSize;
  return {
    args: [rec.Path, ...rec.Args],
    env: linkEnv.length ? [...linkEnv, ...(rec.Config.Env ?? [])] : rec.Config.Env,
    cwd: rec.Config.WorkingDir ?? '',
    user: rec.Config.User ?? '',
    groupAdd: rec.HostConfig.GroupAdd ?? undefined,
    tty: !!rec.Config.Tty,
    openStdin: !!rec.Config.OpenStdin,
    consoleSize: size && size[0] > 0 && size[1] > 0 ? { height: size[0], width: size[1] } : undefined,
  };
}

function devices(rec: ContainerRecord): HostSettings['devices'] {
  return (rec.HostConfig.Devices ?? []).map((d) => {
    let st;
    try {
      st = statSync(d.PathOnHost);
    } catch (e) {
      throw new InvalidArgument(`error gathering device information while adding custom device "${d.PathOnHost}": no such file or directory`, { cause: e });
    }
    if (!st.isCharacterDevice() && !st.isBlockDevice()) throw new InvalidArgument(`error gathering device information while adding custom device "${d.PathOnHost}": not a device node`);
    const rdev = BigInt(st.rdev);
    const major = Number((rdev >> 8n) & 0xfffn);
    const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & 0xfff00n));
    return {
      path: d.PathInContainer || d.PathOnHost, type: st.isCharacterDevice() ? 'c' : 'b', major, minor, fileMode: st.mode & 0o777, uid: 0, gid: 0,
      access: d.CgroupPermissions || 'rwm',
    };
  });
}

export function hostSettings(rec: ContainerRecord, mounts: OciMount[], donors: NamespaceDonor = { find: () => undefined, dirOf: (id) => id }): HostSettings {
  const h = rec.HostConfig;
  return {
    namespaces: namespaceSettings(h, donors),
    ...(h.CgroupParent ? { cgroupParent: h.CgroupParent } : {}),
    ...(h.Annotations && Object.keys(h.Annotations as object).length ? { annotations: { ...(h.Annotations as Record<string, string>) } } : {}),
    hostname: rec.Config.Hostname ?? rec.ID.slice(0, 12),
    domainname: rec.Config.Domainname || undefined,
    network: { mode: effectiveNetworkMode(h.NetworkMode) },
    privileged: !!h.Privileged,
    capAdd: h.CapAdd ?? undefined,
    capDrop: h.CapDrop ?? undefined,
    ...securitySettings(h),
    readonlyRootfs: !!h.ReadonlyRootfs,
    mounts,
    resources: {
      memory: h.Memory, memorySwap: h.MemorySwap, memoryReservation: h.MemoryReservation, nanoCpus: h.NanoCpus,
      cpuShares: h.CpuShares, cpuQuota: h.CpuQuota, cpuPeriod: h.CpuPeriod, cpusetCpus: h.CpusetCpus, cpusetMems: h.CpusetMems,
      pidsLimit: h.PidsLimit ?? undefined, blkioWeight: h.BlkioWeight, oomKillDisable: !!h.OomKillDisable,
    },
    oomScoreAdj: h.OomScoreAdj,
    rlimits: h.Ulimits?.map((u) => ({ type: `RLIMIT_${u.Name.toUpperCase()}`, soft: u.Soft, hard: u.Hard })),
    shmSize: h.ShmSize,
    sysctls: h.Sysctls ?? undefined,
    // As dockerd: the init process only in a PID namespace of the container's own.
    init: !!h.Init && h.PidMode !== 'host' && !joinedContainer(h.PidMode),
    extraHosts: h.ExtraHosts ?? undefined,
    dns: h.Dns ?? undefined,
    dnsSearch: h.DnsSearch ?? undefined,
    dnsOptions: h.DnsOptions ?? undefined,
    devices: h.Devices?.length ? devices(rec) : undefined,
  };
}

/** Bind sources from `-v` are created when missing; `--mount` ones must exist. */
async function prepareBindSources(points: PlannedMount[]): Promise<void> {
  for (const m of points) {
    if (m.Type !== 'bind') continue;
    try {
      await fs.stat(m.Source);
    } catch {
      if (m.MustExist) throw new InvalidArgument(`invalid mount config for type "bind": bind source path does not exist: ${m.Source}`);
      await fs.mkdir(m.Source, { recursive: true, mode: 0o755 });
    }
  }
}

/**
 * What dockerd checks of the mounts only at start: `--tmpfs` options, and that a shared bind has a
 * shared source mount, a slave bind a shared or slave one.
 */
function checkMounts(points: PlannedMount[], tmpfs: Record<string, string> | null | undefined): void {
  for (const opts of Object.values(tmpfs ?? {})) checkTmpfsOptions(opts);
  const binds = points.filter((m) => m.Type === 'bind' && /shared|slave/.test(m.Propagation));
  if (!binds.length) return;
  const info = readFileSync('/proc/self/mountinfo', 'utf8');
  for (const m of binds) {
    const mount = mountOf(info, realpathSync(m.Source));
    if (!mount) continue;
    const shared = mount.optional.some((o) => o.startsWith('shared:'));
    const slave = mount.optional.some((o) => o.startsWith('master:'));
    if (m.Propagation.endsWith('shared') && !shared) throw new InvalidArgument(`path ${m.Source} is mounted on ${mount.point} but it is not a shared mount`);
    if (m.Propagation.endsWith('slave') && !shared && !slave) {
      throw new InvalidArgument(`path ${m.Source} is mounted on ${mount.point} but it is not a shared or slave mount`);
    }
  }
}

/** Copies the image's files into volumes created for this container (Docker's copy-up). */
async function copyUp(rootfs: string, points: PlannedMount[]): Promise<void> {
  for (const m of points) {
    if (m.Type !== 'volume' || !(m as PlannedMount & { CopyUp?: boolean }).CopyUp) continue;
    delete (m as PlannedMount & { CopyUp?: boolean }).CopyUp;
    const src = await secureJoin(rootfs, m.Destination);
    const st = await fs.stat(src).catch(() => undefined);
    if (!st?.isDirectory()) continue;
    if ((await fs.readdir(m.Source)).length) continue;
    await execFileP('cp', ['-a', '--', `${src}/.`, `${m.Source}/`]).catch((e: Error) => {
      throw new SystemError(`copying image files into volume ${m.Name}: ${e.message}`, { cause: e });
    });
  }
}

export function startFailure(e: ProcessCreateError): { error: Error; exitCode: number } {
  const msg = `failed to create shim task: OCI runtime create failed: ${e.detail}: unknown`;
  if (e instanceof CommandNotFound) return { error: new InvalidArgument(msg, { cause: e }), exitCode: 127 };
  if (e instanceof CommandNotRunnable) return { error: new InvalidArgument(msg, { cause: e }), exitCode: 126 };
  return { error: new SystemError(msg, { cause: e }), exitCode: 128 };
}

/** A run's `runc start` and `start` event, done or abandoned: an exit's release and `die` come after it. */
export const startEvents = new WeakMap<ContainerRecord, Promise<void>>();

/** Starts a container (the caller holds its lock). */
export async function startContainer(ctx: ContainerContext, rec: ContainerRecord): Promise<void> {
  if (rec.State.Running) throw new NotModified(`container ${rec.ID} is already running`);
  if (rec.State.Status === 'removing') throw new InvalidArgument(`container is marked for removal and cannot be started`);
  ctx.restarts.cancel(rec.ID);
  const image = ctx.deps.imageById(rec.ImageID as `sha256:${string}`);
  if (!image) throw new SystemError(`the image ${rec.ImageID} of container ${rec.ID} no longer exists`);
  const points = rec.Mounts as PlannedMount[];
  await prepareBindSources(points);
  try {
    checkMounts(points, rec.HostConfig.Tmpfs);
  } catch (e) {
    await failStart(ctx, rec, (e as Error).message, 128);
    throw e;
  }
  const dir = ctx.store.dirOf(rec.ID);
  ctx.running.setCleaned(rec.ID, false);
  // Exec records of the last run go.
  ctx.execs.forget(rec.ID);
  const t0 = performance.now();
  let host: HostSettings;
  try {
    host = hostSettings(rec, ociMounts(points, rec.HostConfig.Tmpfs), { find: (ref) => ctx.store.find(ref), dirOf: (id) => ctx.store.dirOf(id) });
  } catch (e) {
    await failStart(ctx, rec, (e as Error).message, 128);
    throw e;
  }
  try {
    host.log = logSettings(rec.HostConfig.LogConfig ?? DEFAULT_LOG_CONFIG, { labels: rec.Config.Labels ?? {}, env: rec.Config.Env ?? [] });
  } catch (e) {
    const msg = `failed to initialize logging driver: ${(e as Error).message}`;
    await failStart(ctx, rec, msg, 128);
    throw new SystemError(msg, { cause: e });
  }
  // The container's networks, before the runtime: it only gets the namespace path.
  try {
    await joinNetwork(ctx, rec, host);
  } catch (e) {
    await failStart(ctx, rec, (e as Error).message, 128);
    throw e;
  }
  volumesMounted(ctx, rec);
  let linkEnv: string[];
  try {
    const links = containerLinks(ctx, rec);
    if (links.hosts.length) host.extraHosts = [...(host.extraHosts ?? []), ...links.hosts];
    linkEnv = links.env;
  } catch (e) {
    await leaveNetwork(ctx, rec.ID);
    await failStart(ctx, rec, (e as Error).message, 128);
    throw e;
  }
  let created: CreatedProcess;
  try {
    created = await ctx.deps.runtime.create({
      id: rec.ID,
      dir,
      layers: { layersRoot: ctx.deps.layers.root, lowerLinks: ctx.deps.layers.lowerLinks(image.topChainId) },
      process: processConfig(rec, linkEnv),
      host,
      prepare: points.some((m) => (m as { CopyUp?: boolean }).CopyUp) ? (rootfs) => copyUp(rootfs, points) : undefined,
    });
  } catch (e) {
    await leaveNetwork(ctx, rec.ID);
    if (!(e instanceof ProcessCreateError)) {
      if (e instanceof InvalidArgument) await failStart(ctx, rec, e.message, 128);
      throw e;
    }
    const f = startFailure(e);
    await failStart(ctx, rec, f.error.message, f.exitCode);
    throw f.error;
  }
  const tCreated = performance.now();
  let watched = false;
  // This run's `runc start`, done or abandoned: its exit's handling waits for it (set before the
  // monitor is watched, so a process killed before it runs is handled after it too).
  let announced!: () => void;
  startEvents.set(rec, new Promise<void>((resolve) => (announced = resolve)));
  let started: Promise<void> | undefined;
  try {
    const monitor = await ctx.deps.runtime.attach(rec.ID, {});
    rec.State = {
      ...rec.State, Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
      Pid: created.pid, ExitCode: 0, Error: '', StartedAt: nowRfc3339Nano(), FinishedAt: ZERO_TIME,
    };
    rec.HasBeenStarted = true;
    rec.ManuallyStopped = false;
    // Saved alongside runc start (writes of a record are ordered, so the exit's state lands after).
    // The health check starts over (status `starting`), its first probe one interval from now.
    startHealthCheck(ctx, rec);
    const saved = ctx.store.save(rec);
    watched = true;
    ctx.running.watch(rec.ID, monitor, (code) => handleExit(ctx, rec.ID, code));
    // Attaches that waited for this start connect now, before the process runs.
    await Promise.all(ctx.attaches.take(rec.ID).map((p) => p.connect().catch((err) => log.debug('attach lost', { error: String(err) }))));
    const tPending = performance.now();
    // The `start` event as soon as runc has started the process: its `die` waits for it.
    started = ctx.deps.runtime.start(rec.ID).then(() => containerEvent(ctx, rec, 'start'));
    void started.then(announced, announced);
    await Promise.all([saved, started]);
    log.debug('container started', {
      id: rec.ID, createMs: +(tCreated - t0).toFixed(1), attachMs: +(tPending - tCreated).toFixed(1), startMs: +(performance.now() - tPending).toFixed(1),
    });
  } catch (e) {
    await started?.catch(() => {});
    announced();
    await ctx.deps.runtime.kill(rec.ID, 9, { all: true }).catch(() => {});
    if (watched) await ctx.running.exited(rec.ID);
    else await Promise.all([leaveNetwork(ctx, rec.ID), ctx.deps.runtime.cleanup(rec.ID, dir).catch(() => {})]);
    const err = new SystemError(`starting container ${rec.ID}: ${(e as Error).message}`, { cause: e });
    // The process died before berthd could reach its monitor (e.g. a seccomp profile that denies
    // what runc needs to exec): a failed start, exit status 128 as dockerd records it.
    if (!watched) await failStart(ctx, rec, err.message, 128).catch(() => {});
    throw err;
  }
}

/** A start that failed before the process ran: the state keeps its status, with the error and Docker's exit status. */
async function failStart(ctx: ContainerContext, rec: ContainerRecord, message: string, exitCode: number): Promise<void> {
  rec.State = { ...rec.State, Running: false, Pid: 0, ExitCode: exitCode, Error: message };
  await ctx.store.save(rec);
}
