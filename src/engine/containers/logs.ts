/**
 * @module engine/containers/logs
 * GET /containers/{id}/logs: records from the json-file log, followed (when asked) until the
 * container stops.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { LogRecord } from '../../runtime/types.js';
import type { ContainerContext } from './context.js';
import type { LogsOptions } from './types.js';

export function containerLogs(ctx: Pick<ContainerContext, 'store' | 'deps' | 'waiters'>, ref: string, opts: LogsOptions): { tty: boolean; records: AsyncIterable<LogRecord> } {
  const rec = ctx.store.resolve(ref);
  if (!opts.stdout && !opts.stderr) throw new InvalidArgument('Bad parameters: you must choose at least one stream');
  const live = rec.State.Running || rec.State.Restarting;
  const follow = opts.follow && live;
  let stopped: Promise<void> | undefined;
  if (follow) {
    stopped = new Promise<void>((resolve) => {
      const done = () => {
        offExit();
        offGone();
        resolve();
      };
      const offExit = ctx.waiters.onExit(rec.ID, done);
      const offGone = ctx.waiters.onGone(rec.ID, done);
      opts.signal?.addEventListener('abort', done, { once: true });
    });
  }
  const records = ctx.deps.runtime.readLogs(rec.ID, ctx.store.dirOf(rec.ID), {
    stdout: opts.stdout, stderr: opts.stderr, tail: opts.tail, since: opts.since, until: opts.until, follow, stopped, signal: opts.signal,
  });
  return { tty: !!rec.Config.Tty, records };
}
