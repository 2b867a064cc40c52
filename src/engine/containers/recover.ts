/**
 * @module engine/containers/recover
 * berthd start-up: load every record; reconnect to containers still running under their
 * shims; settle those that ended while berthd was away (exit file, unmount, AutoRemove,
 * restart policy); finish interrupted removals; and start `always` / `unless-stopped`
 * containers, as dockerd does at start-up.
 */
import { ProcessGone } from '../../runtime/types.js';
import { logger } from '../../util/log.js';
import { removeTree } from './container-store.js';
import type { ContainerContext } from './context.js';
import { handleExit, removeStopped } from './exit.js';
import { startContainer } from './start.js';
import { startHealthCheck } from './health.js';

const log = logger('containers');

export async function recoverContainers(ctx: ContainerContext): Promise<void> {
  const orphans = await ctx.store.load();
  for (const id of orphans) {
    const dir = ctx.store.dirOf(id);
    await ctx.deps.runtime.cleanup(id, dir).catch(() => {});
    await removeTree(dir).catch((e) => log.warn('removing leftover container directory', { id, error: String(e) }));
  }
  const toStart: string[] = [];
  for (const rec of ctx.store.all()) {
    const id = rec.ID;
    if (rec.State.Status === 'removing') {
      await removeStopped(ctx, rec, { volumes: !!rec.HostConfig.AutoRemove }).catch((e) => log.warn('finishing removal', { id, error: String(e) }));
      continue;
    }
    if (rec.State.Running) {
      try {
        const monitor = await ctx.deps.runtime.attach(id, {});
        const state = await ctx.deps.runtime.state(id).catch(() => undefined);
        if (state === 'created') {
          // berthd stopped between runc create and runc start: the command never ran.
          await ctx.deps.runtime.kill(id, 9, { all: true }).catch(() => {});
        }
        ctx.running.watch(id, monitor, (code) => handleExit(ctx, id, code));
        if (state === 'paused' && !rec.State.Paused) rec.State = { ...rec.State, Status: 'paused', Paused: true };
        if (state === 'running' && rec.State.Paused) rec.State = { ...rec.State, Status: 'running', Paused: false };
        startHealthCheck(ctx, rec, true);
        log.info('reconnected to running container', { id, pid: monitor.pid });
        continue;
      } catch (e) {
        if (!(e instanceof ProcessGone)) log.warn('reconnecting to container', { id, error: String(e) });
      }
      // Ended while berthd was away: settled now, then started below if its policy says so.
      await handleExit(ctx, id, undefined, true);
      if (ctx.store.get(id) !== rec || rec.State.Status === 'removing') continue;
    } else {
      // Not running: make sure nothing is left mounted from an unclean shutdown.
      await ctx.deps.runtime.cleanup(id, ctx.store.dirOf(id)).catch(() => {});
    }
    // As dockerd at start-up: `always` starts again (even after a manual stop), `unless-stopped`
    // unless it was stopped by hand, and whatever was waiting to restart.
    const policy = rec.HostConfig.RestartPolicy?.Name;
    if (rec.State.Restarting || (rec.HasBeenStarted && (policy === 'always' || (policy === 'unless-stopped' && !rec.ManuallyStopped)))) {
      toStart.push(id);
    }
  }
  // Processes runc knows that no running record owns (berthd died between runc create and
  // saving the record): nothing can reach them any more.
  for (const id of await ctx.deps.runtime.list().catch(() => [] as string[])) {
    if (ctx.running.has(id)) continue;
    log.warn('removing a container process no record owns', { id });
    await ctx.deps.runtime.kill(id, 9, { all: true }).catch(() => {});
    await ctx.deps.runtime.cleanup(id, ctx.store.dirOf(id)).catch(() => {});
  }
  for (const id of toStart) {
    const rec = ctx.store.get(id);
    if (!rec) continue;
    rec.State = { ...rec.State, Restarting: false, Status: rec.State.Status === 'restarting' ? 'exited' : rec.State.Status };
    await ctx.locks.run(id, () => startContainer(ctx, rec)).catch((e) => log.warn('starting container at daemon start-up', { id, error: String(e) }));
  }
}
