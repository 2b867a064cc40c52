/**
 * @module engine/containers/logs
 * GET /containers/{id}/logs: records from the json-file log, followed (when asked) until the
 * container stops.
 */
import { InvalidArgument, NotImplemented } from '../../errdefs/index.js';
import type { LogRecord } from '../../runtime/types.js';
import type { ContainerContext } from './context.js';
import type { LogsOptions } from './types.js';
import type { ContainerRecord } from './record.js';

/** The driver whose files `logs` reads, or undefined when the container keeps no log (`none`). */
export function readableLogDriver(rec: Pick<ContainerRecord, 'HostConfig'>): 'json-file' | 'local' | undefined {
  const t = rec.HostConfig.LogConfig?.Type || 'json-file';
  return t === 'json-file' || t === 'local' ? t : undefined;
}

export function containerLogs(ctx: Pick<ContainerContext, 'store' | 'deps' | 'waiters'>, ref: string, opts: LogsOptions): { tty: boolean; records: AsyncIterable<LogRecord> } {
  const rec = ctx.store.resolve(ref);
  if (!opts.stdout && !opts.stderr) throw new InvalidArgument('Bad parameters: you must choose at least one stream');
  if (readableLogDriver(rec) === undefined) throw new NotImplemented('configured logging driver does not support reading');
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
    driver: readableLogDriver(rec),
    stdout: opts.stdout, stderr: opts.stderr, tail: opts.tail, since: opts.since, until: opts.until, follow, stopped, signal: opts.signal,
  });
  return { tty: !!rec.Config.Tty, records };
}
