/**
 * @module engine/containers/exit
 * What happens when a container's process ends: the exit status from the shim's file, the root
 * unmounted and runc's state dropped, the record updated, waiters told, and then AutoRemove or
 * the restart policy (with Docker's back-off: 100 ms, doubling while runs last under 10 s,
 * at most a minute). Also the removal of a stopped container.
 */
import { logger } from '../../util/log.js';
import type { ContainerContext } from './context.js';
import type { PlannedMount } from './mounts.js';
import { startContainer } from './start.js';
import { nowRfc3339Nano, type ContainerRecord } from './record.js';

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

export async function handleExit(ctx: ContainerContext, id: string, monitorCode: number | undefined): Promise<void> {
  // A monitor connection closed by berthd's own shutdown is not an exit.
  if (ctx.closing) return;
  const rec = ctx.store.get(id);
  if (!rec) {
    ctx.running.delete(id);
    return;
  }
  const dir = ctx.dirOf(id);
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
  // cleanup() unmounts the root before it first waits, so removal may go on alongside.
  const cleaning = ctx.deps.runtime.cleanup(id, dir).then(
    () => void (ctx.store.get(id) && ctx.cleaned.add(id)),
    (e) => log.warn('cleanup after exit failed', { id, error: String(e) }),
  );
  // Addresses, published ports and the namespace go with the process.
  const leaving = ctx.deps.networking?.leave(id).catch((e) => log.warn('releasing the network', { id, error: String(e) }));
  const removing = rec.State.Status === 'removing';
  const startedAt = Date.parse(rec.State.StartedAt);
  rec.State = {
    ...rec.State, Status: removing ? 'removing' : 'exited', Running: false, Paused: false, Restarting: false, Pid: 0,
    ExitCode: status?.exitCode ?? monitorCode ?? 255, FinishedAt: status?.finishedAt ?? nowRfc3339Nano(), Error: error, OOMKilled: oom,
  };
  // Only now: a stop waiting on `running` must see the state as exited.
  ctx.running.delete(id);
  const autoRemove = !!rec.HostConfig.AutoRemove && !removing;
  if (autoRemove) {
    ctx.emitExit(id, { Error: null, StatusCode: rec.State.ExitCode });
    await removeStopped(ctx, rec, { volumes: true }, cleaning).catch((e) => log.error('auto-remove failed', { id, error: String(e) }));
    log.debug('container exited and removed', { id, ms: +(performance.now() - t0).toFixed(1) });
    return;
  }
  await Promise.all([cleaning, leaving]);
  // A removal may have run meanwhile (it does not wait for this): saving would bring the record back.
  const gone = removing || rec.State.Status === 'removing' || ctx.store.get(id) !== rec;
  if (!gone) await ctx.save(rec).catch((e) => log.error('saving container state', { id, error: String(e) }));
  ctx.emitExit(id, { Error: null, StatusCode: rec.State.ExitCode });
  if (gone) return;
  if (shouldRestart(rec)) scheduleRestart(ctx, rec, Date.now() - startedAt);
}

function scheduleRestart(ctx: ContainerContext, rec: ContainerRecord, ranMs: number): void {
  const prev = ctx.restartDelay.get(rec.ID) ?? 0;
  const delay = ranMs >= 10_000 || prev === 0 ? 100 : Math.min(prev * 2, 60_000);
  ctx.restartDelay.set(rec.ID, delay);
  rec.State = { ...rec.State, Status: 'restarting', Restarting: true };
  void ctx.save(rec).catch(() => {});
  const timer = setTimeout(() => {
    ctx.restartTimers.delete(rec.ID);
    void ctx
      .lock(rec.ID, async () => {
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
          await ctx.save(cur).catch(() => {});
          if (shouldRestart(cur)) scheduleRestart(ctx, cur, 0);
        }
      });
  }, delay);
  timer.unref();
  ctx.restartTimers.set(rec.ID, timer);
}

/** Removes a container that is not running: its files, record, and (with `volumes`) its anonymous volumes. */
/** `cleaning`: a runtime cleanup already under way (its unmount done), awaited alongside the file removal. */
export async function removeStopped(ctx: ContainerContext, rec: ContainerRecord, opts: { volumes?: boolean }, cleaning?: Promise<void>): Promise<void> {
  rec.State = { ...rec.State, Status: 'removing' };
  const timer = ctx.restartTimers.get(rec.ID);
  if (timer) clearTimeout(timer);
  ctx.restartTimers.delete(rec.ID);
  ctx.restartDelay.delete(rec.ID);
  const dir = ctx.dirOf(rec.ID);
  // The root is unmounted already; runc forgetting the container need not hold up the removal.
  if (cleaning) {
    ctx.track(cleaning);
    await ctx.store.delete(rec.ID);
  }
  else {
    if (!ctx.cleaned.has(rec.ID)) await ctx.deps.runtime.cleanup(rec.ID, dir).catch(() => {});
    await ctx.store.delete(rec.ID);
  }
  ctx.cleaned.delete(rec.ID);
  await ctx.deps.networking?.leave(rec.ID).catch((e) => log.warn('releasing the network', { id: rec.ID, error: String(e) }));
  ctx.events.emit(`gone:${rec.ID}`);
  if (opts.volumes) {
    for (const m of rec.Mounts as PlannedMount[]) {
      if (m.Type === 'volume' && m.Anonymous && m.Name) {
        await ctx.deps.volumes.remove(m.Name).catch((e) => log.warn('removing anonymous volume', { volume: m.Name, error: String(e) }));
      }
    }
  }
  ctx.dropLock(rec.ID);
  ctx.events.emit('container-reset', rec.ID);
  ctx.emitRemoved(rec.ID, { Error: null, StatusCode: rec.State.ExitCode });
}
