/**
 * @module engine/containers/control
 * Signals and stops: kill, stop (the stop signal, then SIGKILL after the timeout, as
 * Docker escalates), restart, pause and unpause (the cgroup freezer through runc), and
 * remove (with force: kill first).
 */
import { Conflict, NotFound, NotModified } from '../../errdefs/index.js';
import type { ContainerContext } from './context.js';
import { removeStopped } from './exit.js';
import type { ContainerRecord } from './record.js';
import { parseSignal } from './signals.js';
import { containerEvent } from './events.js';

const SIGKILL = 9;

function notRunning(rec: ContainerRecord): Conflict {
  return new Conflict(`Container ${rec.ID} is not running`);
}

export async function killContainer(ctx: ContainerContext, ref: string, signal?: string): Promise<void> {
  let rec: ContainerRecord;
  try {
    rec = ctx.store.resolve(ref);
  } catch (e) {
    if (e instanceof NotFound) throw new NotFound(`Cannot kill container: ${ref}: ${e.message}`, { cause: e });
    throw e;
  }
  const sig = parseSignal(signal, 'SIGKILL');
  if (!rec.State.Running) throw new Conflict(`Cannot kill container: ${ref}: Container ${rec.ID} is not running`);
  // As dockerd: SIGKILL, the container's stop signal, or any signal when it has none set,
  // ends its restart policy until it is started by hand.
  if (sig === SIGKILL || !rec.Config.StopSignal || parseSignal(rec.Config.StopSignal, 'SIGTERM') === sig) {
    rec.ManuallyStopped = true;
    await ctx.store.save(rec);
  }
  containerEvent(ctx, rec, 'kill', { signal: String(sig) });
  await ctx.deps.runtime.kill(rec.ID, sig, { all: sig === SIGKILL });
  if (rec.State.Paused && sig === SIGKILL) await ctx.deps.runtime.resume(rec.ID).catch(() => {});
  // As dockerd: a SIGKILL returns once the container has exited (at most 10 s), so a `start`
  // right after `kill` finds it stopped and its exit recorded.
  if (sig === SIGKILL) await ctx.running.exitedWithin(rec.ID, 10_000);
}

/** Stops a running container (the caller holds its lock). */
export async function stopContainer(ctx: ContainerContext, rec: ContainerRecord, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
  if (!rec.State.Running) {
    const cancelled = ctx.restarts.cancel(rec.ID);
    if (rec.State.Restarting || cancelled) {
      rec.ManuallyStopped = true;
      rec.State = { ...rec.State, Status: 'exited', Restarting: false };
      await ctx.store.save(rec);
      return;
    }
    throw new NotModified(`container ${rec.ID} is not running`);
  }
  // As dockerd: the manual stop is on disk before the signal goes, so a daemon that dies before
  // it records the exit does not restart the container at its next start.
  if (!rec.ManuallyStopped) {
    rec.ManuallyStopped = true;
    await ctx.store.save(rec);
  }
  const sig = parseSignal(opts.signal ?? rec.Config.StopSignal, 'SIGTERM');
  const timeout = opts.timeout ?? rec.Config.StopTimeout ?? 10;
  if (sig !== SIGKILL) {
    containerEvent(ctx, rec, 'kill', { signal: String(sig) });
    await ctx.deps.runtime.kill(rec.ID, sig).catch(() => {});
    if (rec.State.Paused) await ctx.deps.runtime.resume(rec.ID).catch(() => {});
    if (await ctx.running.exitedWithin(rec.ID, timeout < 0 ? -1 : timeout * 1000)) {
      containerEvent(ctx, rec, 'stop');
      return;
    }
  }
  containerEvent(ctx, rec, 'kill', { signal: String(SIGKILL) });
  await ctx.deps.runtime.kill(rec.ID, SIGKILL, { all: true }).catch(() => {});
  if (rec.State.Paused) await ctx.deps.runtime.resume(rec.ID).catch(() => {});
  await ctx.running.exited(rec.ID);
  containerEvent(ctx, rec, 'stop');
}

export async function pauseContainer(ctx: ContainerContext, ref: string): Promise<void> {
  const rec = ctx.store.resolve(ref);
  await ctx.locks.run(rec.ID, async () => {
    if (!rec.State.Running) throw notRunning(rec);
    if (rec.State.Paused) throw new Conflict(`Container ${rec.ID} is already paused`);
    await ctx.deps.runtime.pause(rec.ID);
    rec.State = { ...rec.State, Status: 'paused', Paused: true };
    await ctx.store.save(rec);
    containerEvent(ctx, rec, 'pause');
  });
}

export async function unpauseContainer(ctx: ContainerContext, ref: string): Promise<void> {
  const rec = ctx.store.resolve(ref);
  await ctx.locks.run(rec.ID, async () => {
    if (!rec.State.Paused) throw new Conflict(`Container ${rec.ID} is not paused`);
    await ctx.deps.runtime.resume(rec.ID);
    rec.State = { ...rec.State, Status: 'running', Paused: false };
    await ctx.store.save(rec);
    containerEvent(ctx, rec, 'unpause');
  });
}

export async function removeContainer(ctx: ContainerContext, ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
  const rec = ctx.store.resolve(ref);
  await ctx.locks.run(rec.ID, async () => {
    if (rec.State.Status === 'removing') throw new Conflict(`removal of container ${ref} is already in progress`);
    if (rec.State.Running) {
      if (!opts.force) {
        throw new Conflict(
          rec.State.Paused
            ? `You cannot remove a paused container ${rec.ID}. Unpause and then stop the container before attempting removal or force remove`
            : `You cannot remove a running container ${rec.ID}. Stop the container before attempting removal or force remove`,
        );
      }
      rec.State = { ...rec.State, Status: 'removing' };
      containerEvent(ctx, rec, 'kill', { signal: String(SIGKILL) });
      await ctx.deps.runtime.kill(rec.ID, SIGKILL, { all: true }).catch(() => {});
      if (rec.State.Paused) await ctx.deps.runtime.resume(rec.ID).catch(() => {});
      await ctx.running.exited(rec.ID);
    }
    await removeStopped(ctx, rec, { volumes: opts.volumes });
  });
}
