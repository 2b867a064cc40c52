/**
 * @module engine/containers/start
 * Starting a container: its mounts and settings turned into a runtime request, the process
 * created under its shim, pending attaches connected, the record saved as running, then
 * `runc start`. Failures leave the container exited with Docker's status (127 command not
 * found, 126 not runnable, 128 other) and Docker's error text.
 */
import { execFile } from 'node:child_process';
import { promises as fs, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { InvalidArgument, NotModified, SystemError } from '../../errdefs/index.js';
import { classifyRuncError, RuncError } from '../../runtime/runc.js';
import { secureJoin } from '../../runtime/fs/secure-join.js';
import type { HostSettings, OciMount, ProcessConfig } from '../../runtime/types.js';
import { logger } from '../../util/log.js';
import type { ContainerContext } from './context.js';
import { effectiveNetworkMode, noNewPrivileges } from './create-config.js';
import { handleExit } from './exit.js';
import { ociMounts, type PlannedMount } from './mounts.js';
import { nowRfc3339Nano, ZERO_TIME, type ContainerRecord } from './record.js';

const log = logger('containers');
const execFileP = promisify(execFile);

function processConfig(rec: ContainerRecord): ProcessConfig {
  const size = rec.HostConfig.ConsoleSize;
  return {
    args: [rec.Path, ...rec.Args],
    env: rec.Config.Env,
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
    return { path: d.PathInContainer || d.PathOnHost, type: st.isCharacterDevice() ? 'c' : 'b', major, minor, fileMode: st.mode & 0o777, uid: 0, gid: 0 };
  });
}

export function hostSettings(rec: ContainerRecord, mounts: OciMount[]): HostSettings {
  const h = rec.HostConfig;
  return {
    hostname: rec.Config.Hostname ?? rec.ID.slice(0, 12),
    domainname: rec.Config.Domainname || undefined,
    network: { mode: effectiveNetworkMode(h.NetworkMode) },
    privileged: !!h.Privileged,
    capAdd: h.CapAdd ?? undefined,
    capDrop: h.CapDrop ?? undefined,
    noNewPrivileges: noNewPrivileges(h),
    readonlyRootfs: !!h.ReadonlyRootfs,
    mounts,
    resources: {
      memory: h.Memory, memorySwap: h.MemorySwap, memoryReservation: h.MemoryReservation, nanoCpus: h.NanoCpus,
      cpuShares: h.CpuShares, cpuQuota: h.CpuQuota, cpuPeriod: h.CpuPeriod, cpusetCpus: h.CpusetCpus, cpusetMems: h.CpusetMems,
      pidsLimit: h.PidsLimit ?? undefined,
    },
    oomScoreAdj: h.OomScoreAdj,
    shmSize: h.ShmSize,
    sysctls: h.Sysctls ?? undefined,
    init: !!h.Init,
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

export function startFailure(e: RuncError): { error: Error; exitCode: number } {
  const msg = `failed to create task for container: failed to create shim task: OCI runtime create failed: ${e.runcMessage}: unknown`;
  switch (classifyRuncError(e.runcMessage)) {
    case 'not-found':
      return { error: new InvalidArgument(msg, { cause: e }), exitCode: 127 };
    case 'permission':
      return { error: new InvalidArgument(msg, { cause: e }), exitCode: 126 };
    default:
      return { error: new SystemError(msg, { cause: e }), exitCode: 128 };
  }
}

/** Starts a container (the caller holds its lock). */
export async function startContainer(ctx: ContainerContext, rec: ContainerRecord): Promise<void> {
  if (rec.State.Running) throw new NotModified(`container ${rec.ID} is already running`);
  if (rec.State.Status === 'removing') throw new InvalidArgument(`container is marked for removal and cannot be started`);
  const timer = ctx.restartTimers.get(rec.ID);
  if (timer) {
    clearTimeout(timer);
    ctx.restartTimers.delete(rec.ID);
  }
  const image = ctx.deps.imageById(rec.ImageID as `sha256:${string}`);
  if (!image) throw new SystemError(`the image ${rec.ImageID} of container ${rec.ID} no longer exists`);
  const points = rec.Mounts as PlannedMount[];
  await prepareBindSources(points);
  const dir = ctx.dirOf(rec.ID);
  ctx.cleaned.delete(rec.ID);
  ctx.events.emit('container-reset', rec.ID);
  const t0 = performance.now();
  const host = hostSettings(rec, ociMounts(points, rec.HostConfig.Tmpfs));
  // The container's networks, before runc: the runtime only gets the namespace path.
  if (ctx.deps.networking) {
    try {
      const joined = await ctx.deps.networking.join(rec);
      if (joined) {
        host.network = { mode: 'path', path: joined.netnsPath };
        host.addresses = joined.addresses;
        if (joined.nameservers && !host.dns?.length) host.dns = joined.nameservers;
      }
    } catch (e) {
      await failStart(ctx, rec, (e as Error).message, 128);
      throw e;
    }
  }
  const leaveNetworks = () => ctx.deps.networking?.leave(rec.ID).catch(() => {});
  let pid: number;
  try {
    ({ pid } = await ctx.deps.runtime.create({
      id: rec.ID,
      dir,
      layers: { layersRoot: ctx.deps.layers.root, lowerLinks: ctx.deps.layers.lowerLinks(image.topChainId) },
      process: processConfig(rec),
      host,
      prepare: points.some((m) => (m as { CopyUp?: boolean }).CopyUp) ? (rootfs) => copyUp(rootfs, points) : undefined,
    }));
  } catch (e) {
    await leaveNetworks();
    if (!(e instanceof RuncError)) {
      if (e instanceof InvalidArgument) await failStart(ctx, rec, e.message, 128);
      throw e;
    }
    const f = startFailure(e);
    await failStart(ctx, rec, f.error.message, f.exitCode);
    throw f.error;
  }
  const tCreated = performance.now();
  let handle;
  try {
    const monitor = await ctx.deps.runtime.attach(rec.ID, {});
    rec.State = {
      ...rec.State, Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
      Pid: pid, ExitCode: 0, Error: '', StartedAt: nowRfc3339Nano(), FinishedAt: ZERO_TIME,
    };
    rec.HasBeenStarted = true;
    rec.ManuallyStopped = false;
    // Saved alongside runc start (writes of a record are ordered, so the exit's state lands after).
    const saved = ctx.save(rec);
    handle = { monitor, exited: Promise.resolve() };
    ctx.running.set(rec.ID, handle);
    handle.exited = monitor.exit.then((code) => handleExit(ctx, rec.ID, code));
    // Attaches that waited for this start connect now, before the process runs.
    const pending = ctx.pending.get(rec.ID);
    ctx.pending.delete(rec.ID);
    if (pending) await Promise.all([...pending].map((p) => p.connect().catch((err) => log.debug('attach lost', { error: String(err) }))));
    const tPending = performance.now();
    await Promise.all([saved, ctx.deps.runtime.start(rec.ID)]);
    log.debug('container started', {
      id: rec.ID, createMs: +(tCreated - t0).toFixed(1), attachMs: +(tPending - tCreated).toFixed(1), startMs: +(performance.now() - tPending).toFixed(1),
    });
  } catch (e) {
    await ctx.deps.runtime.kill(rec.ID, 9, { all: true }).catch(() => {});
    if (handle) await handle.exited;
    else await Promise.all([ctx.deps.runtime.cleanup(rec.ID, dir).catch(() => {}), leaveNetworks()]);
    throw new SystemError(`starting container ${rec.ID}: ${(e as Error).message}`, { cause: e });
  }
  ctx.events.emit(`start:${rec.ID}`);
}

/** A start that failed before the process ran: the state keeps its status, with the error and Docker's exit status. */
async function failStart(ctx: ContainerContext, rec: ContainerRecord, message: string, exitCode: number): Promise<void> {
  rec.State = { ...rec.State, Running: false, Pid: 0, ExitCode: exitCode, Error: message };
  await ctx.save(rec);
}
