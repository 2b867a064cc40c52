/**
 * @module engine/containers/attach
 * POST /containers/{id}/attach: optional log replay, then live output (and input) through the
 * container's shim. Attaching to a container that is not running waits for its next start and
 * connects before the process runs, so `docker run` and `start -a` miss nothing.
 */
import { Conflict } from '../../errdefs/index.js';
import { ProcessGone, type ProcessConnection } from '../../runtime/types.js';
import type { ContainerContext } from './context.js';
import { OutputWriter, pump } from './streams.js';
import type { AttachOptions, ClientStreams } from './types.js';
import { containerEvent } from './events.js';
import { readableLogDriver } from './logs.js';

type AttachParts = Pick<ContainerContext, 'store' | 'deps' | 'running' | 'attaches' | 'waiters'>;

export async function attachContainer(ctx: AttachParts, ref: string, opts: AttachOptions, connectClient: () => ClientStreams): Promise<void> {
  const rec = ctx.store.resolve(ref);
  if (rec.State.Paused) throw new Conflict('You cannot attach to a paused container, unpause it first');
  if (rec.State.Restarting) throw new Conflict('You cannot attach to a restarting container, wait until it is running');
  const client = connectClient();
  containerEvent(ctx, rec, 'attach');
  const tty = !!rec.Config.Tty;
  const stdin = opts.stdin && !!rec.Config.OpenStdin;
  const wants = { stdin, stdout: opts.stdout, stderr: opts.stderr };
  let conn: ProcessConnection | undefined;
  let connect: Promise<ProcessConnection | undefined> | undefined;
  if (opts.stream && !ctx.running.has(rec.ID)) {
    // Register before anything else can happen (a start may already be under way).
    connect = new Promise((resolve) => {
      const withdraw = ctx.attaches.add(rec.ID, {
        connect: async () => {
          resolve(await ctx.deps.runtime.attach(rec.ID, wants));
        },
      });
      const drop = () => {
        withdraw();
        offGone();
        resolve(undefined);
      };
      const offGone = ctx.waiters.onGone(rec.ID, drop);
      client.output.once('close', drop);
    });
  }
  const driver = readableLogDriver(rec);
  if (opts.logs && driver) {
    const writer = new OutputWriter(client.output, tty);
    for await (const r of ctx.deps.runtime.readLogs(rec.ID, ctx.store.dirOf(rec.ID), { driver, stdout: opts.stdout, stderr: opts.stderr })) {
      await writer.write(r.stream === 'stderr' ? 2 : 1, r.log);
    }
  }
  if (!opts.stream) {
    client.close();
    return;
  }
  if (connect) conn = await connect;
  else {
    try {
      conn = await ctx.deps.runtime.attach(rec.ID, wants);
    } catch (e) {
      if (!(e instanceof ProcessGone)) throw e;
    }
  }
  if (!conn) {
    client.close();
    return;
  }
  await pump(conn, client, { tty, stdin, stdinOnce: !!rec.Config.StdinOnce, detachKeys: opts.detachKeys });
  conn.close();
  client.close();
}
