/**
 * @module cli/commands/container-each
 * docker's pattern for commands over several containers (stop, kill, rm, pause, …): run the
 * call for each name (in parallel, as docker does), print each name that worked in the order
 * given, print each daemon error, and end with status 1 when any failed.
 */
import { isDaemonError, type Client } from '../../client/client.js';
import { messageOf } from '../../errdefs/index.js';
import { ExitError, type CliContext } from '../command.js';

export async function forEachContainer(ctx: CliContext, names: string[], call: (client: Client, name: string) => Promise<string | void>): Promise<void> {
  const client = await ctx.client();
  const results = await Promise.allSettled(names.map((n) => call(client, n)));
  const errors: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') ctx.out(`${r.value ?? names[i]}\n`);
    else if (isDaemonError(r.reason)) errors.push(`Error response from daemon: ${messageOf(r.reason)}`);
    else throw r.reason;
  });
  if (errors.length) throw new ExitError(1, errors.join('\n'));
}

/** A POST that answers 204 (or 304: nothing to do, which docker treats as success). */
export async function post(client: Client, path: string, query?: Record<string, string | number | undefined>): Promise<void> {
  try {
    (await client.request('POST', path, { query })).resume();
  } catch (e) {
    if (isDaemonError(e) && e.status === 304) return;
    throw e;
  }
}

export const enc = encodeURIComponent;
