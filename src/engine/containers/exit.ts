/**
 * @module engine/containers/exit
 * What happens when a container's process ends: the exit status from the shim's file; once its
 * `runc start` has returned, the root unmounted and runc's state dropped alongside the record
 * updated, the `die` and waiters told (as dockerd, before that release is done: use cases under
 * the container's lock wait for it, see running.ts); then AutoRemove or the restart policy (with
 * Docker's back-off, see restarts.ts). Also the removal of a stopped container.
 */
import { logger } from '../../util/log.js';
import type { ContainerContext } from './context.js';
import type { PlannedMount } from './mounts.js';
import { leaveNetwork } from './network.js';
import { startContainer, startEvents } from './start.js';
import { nowRfc3339Nano, type ContainerRecord } from './record.js';
import { containerEvent, volumesUnmount } from './events.js';
import { released, trackRelease } from './exit-release.js';

const log = logger('containers');

export function shouldRestart(rec: ContainerRecord): boolean {
  if (rec.ManuallyStopped) return false;
  const p = rec.HostConfig.RestartPolicy;
  switch (p?.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return rec.State.ExitCode !== 0 && (!p.MaximumRetryCount || rec.RestartCount < p.MaximumRetryCount);
    default:
      return false;
  }
}

/**
 * `atStartup`: berthd's start-up settles an exit it missed; a restart the policy wants is left
 * `restarting` for the start-up to do at once (as dockerd's restore), not after the back-off.
 */
export async function handleExit(ctx: ContainerContext, id: string, monitorCode: number | undefined, atStartup = false): Promise<void> {
  // A monitor connection closed by berthd's own shutdown is not an exit.
  if (ctx.running.released) return;
  ctx.health.stop(id);
  const rec = ctx.store.get(id);
  if (!rec) {
    ctx.running.forget(id);
    return;
  }
  // Waiters hear of the exit at its `die`, before the release below is done: until it is, a use
  // case under the container's lock (rm, start, …) waits for it.
  const handling = handleRecordedExit(ctx, rec, monitorCode, atStartup);
  ctx.running.settling(id, handling);
  await handling;
}

async function handleRecordedExit(ctx: ContainerContext, rec: ContainerRecord, monitorCode: number | undefined, atStartup: boolean): Promise<void> {
  const id = rec.ID;
  const dir = ctx.store.dirOf(id);
  const t0 = performance.now();
  const [status, oom] = await Promise.all([
    ctx.deps.runtime.exitStatus(dir).catch(() => undefined),
    rec.HostConfig.Memory ? ctx.deps.runtime.oomKilled(id).catch(() => false) : false,
  ]);
  let error = '';
  if (!status && monitorCode === undefined) {
    // The shim went away without recording an exit: make sure nothing is left running.
    error = 'the container monitor exited unexpectedly';
    await ctx.deps.runtime.kill(id, 9, { all: true }).catch(() => {});
  }
  // A process that ended at once may be seen gone before `runc start` has returned (it removes its
  // exec.fifo after letting the process go): runc's state goes only after that, and the `die`
  // only after the `start` event.
  await startEvents.get(rec);
  // cleanup() unmounts the root before it first waits, so removal may go on alongside.
  const cleaning = ctx.deps.runtime.cleanup(id, dir).then(
    () => void (ctx.store.get(id) && ctx.running.setCleaned(id, true)),
    (e) => log.warn('cleanup after exit failed', { id, error: String(e) }),
  );
  // Addresses, published ports and the namespace go with the process, now (a restart may start
  // it again at once); their `disconnect` after the `die`, then the volumes' `unmount`, as dockerd's cleanup.
  let dieSent!: () => void;
  const died = new Promise<void>((resolve) => (dieSent = resolve));
  const leaving = leaveNetwork(ctx, id, died);
  // The events of the release (the networks' `disconnect`, then the volumes' `unmount`) follow
  // the `die` at once; a wait that finds the container stopped answers after them.
  trackRelease(rec, died.then(volumesUnmount(ctx, rec)));
  const removing = rec.State.Status === 'removing';
  const startedAt = Date.parse(rec.State.StartedAt);
  rec.State = {
    ...rec.State, Status: removing ? 'removing' : 'exited', Running: false, Paused: false, Restarting: false, Pid: 0,
    ExitCode: status?.exitCode ?? monitorCode ?? 255, FinishedAt: status?.finishedAt ?? nowRfc3339Nano(), Error: error, OOMKilled: oom,
  };
  // Only now: a stop waiting on `running` must see the state as exited.
  ctx.running.forget(id);
  // (The start was awaited above, before the cleanup: the `die` comes after the `start` event.)
  try {
    if (oom) containerEvent(ctx, rec, 'oom');
    containerEvent(ctx, rec, 'die', { exitCode: String(rec.State.ExitCode) });
  } finally {
    dieSent();
  }
  // Waits and followed logs end with the `die`, as dockerd's do (it releases the root and the
  // network after): compose, having seen the die, gives up on an exit it does not hear of soon.
  ctx.waiters.exited(id, { Error: null, StatusCode: rec.State.ExitCode });
  const autoRemove = !!rec.HostConfig.AutoRemove && !removing;
  // As dockerd: a container its policy restarts says `restarting` from the moment it exits,
  // not `exited` while its root is unmounted and its network released.
  const restart = !autoRemove && !removing && shouldRestart(rec);
  if (restart) rec.State = { ...rec.State, Status: 'restarting', Restarting: true };
  if (autoRemove) {
    await removeStopped(ctx, rec, { volumes: true }, cleaning).catch((e) => log.error('auto-remove failed', { id, error: String(e) }));
    log.debug('container exited and removed', { id, ms: +(performance.now() - t0).toFixed(1) });
    return;
  }
  await Promise.all([cleaning, leaving]);
  // The state said exited before the cleanup finished: a removal may have run meanwhile, and
  // saving now would bring its record back.
  const removed = removing || rec.State.Status === 'removing' || ctx.store.get(id) !== rec;
  if (!removed) await ctx.store.save(rec).catch((e) => log.error('saving container state', { id, error: String(e) }));
  if (removed) return;
  // A stop or start by hand meanwhile took the restart back.
  if (restart && !atStartup && rec.State.Restarting && !rec.State.Running) scheduleRestart(ctx, rec, Date.now() - startedAt);
}

function scheduleRestart(ctx: ContainerContext, rec: ContainerRecord, ranMs: number): void {
  rec.State = { ...rec.State, Status: 'restarting', Restarting: true };
  void ctx.store.save(rec).catch(() => {});
  ctx.restarts.schedule(rec.ID, ranMs, () => {
    void ctx.locks
      .run(rec.ID, async () => {
        const cur = ctx.store.get(rec.ID);
        if (!cur || !cur.State.Restarting || cur.State.Running) return;
        cur.RestartCount++;
        await startContainer(ctx, cur);
      })
      .catch(async (e) => {
        log.warn('restart failed', { id: rec.ID, error: String(e) });
        const cur = ctx.store.get(rec.ID);
        if (cur && !cur.State.Running) {
          cur.State = { ...cur.State, Status: 'exited', Restarting: false };
          await ctx.store.save(cur).catch(() => {});
          if (shouldRestart(cur)) scheduleRestart(ctx, cur, 0);
        }
      });
  });
}

/** Removes a container that is not running: its files, record, and (with `volumes`) its anonymous volumes. */
/** `cleaning`: a runtime cleanup already under way (its unmount done), awaited alongside the file removal. */
export async function removeStopped(ctx: ContainerContext, rec: ContainerRecord, opts: { volumes?: boolean }, cleaning?: Promise<void>): Promise<void> {
  rec.State = { ...rec.State, Status: 'removing' };
  ctx.restarts.reset(rec.ID);
  const dir = ctx.store.dirOf(rec.ID);
  // The root is unmounted already; runc forgetting the container need not hold up the removal.
  if (cleaning) {
    ctx.background.track(cleaning);
    await ctx.store.delete(rec.ID);
  }
  else {
    if (!ctx.running.isCleaned(rec.ID)) await ctx.deps.runtime.cleanup(rec.ID, dir).catch(() => {});
    await ctx.store.delete(rec.ID);
  }
  ctx.running.setCleaned(rec.ID, false);
  // The exit's release with its events first (a removal of a container just killed).
  await released(rec);
  await leaveNetwork(ctx, rec.ID);
  // As dockerd: the anonymous volumes' `destroy` before the container's.
  if (opts.volumes) {
    for (const m of rec.Mounts as PlannedMount[]) {
      if (m.Type === 'volume' && m.Anonymous && m.Name) {
        await ctx.deps.volumes.remove(m.Name).catch((e) => log.warn('removing anonymous volume', { volume: m.Name, error: String(e) }));
      }
    }
  }
  containerEvent(ctx, rec, 'destroy');
  ctx.waiters.gone(rec.ID);
  ctx.locks.drop(rec.ID);
  ctx.execs.forget(rec.ID);
  ctx.waiters.removed(rec.ID, { Error: null, StatusCode: rec.State.ExitCode });
}
