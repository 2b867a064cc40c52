/**
 * @module cli/commands/object-each
 * docker's pattern for `inspect` and `rm` of named objects (containers, networks, volumes):
 * one request per name, in the order given; what was found or removed is printed, each failure
 * becomes one error line, and the command ends with status 1 when any failed.
 */
import { isDaemonError, type Client } from '../../client/client.js';
import { messageOf } from '../../errdefs/index.js';
import { ExitError, type CliContext } from '../command.js';
import type { InspectKind } from '../format/go-types.js';
import { renderInspect } from '../format/output.js';

export interface InspectEachOptions<T> {
  /** Names the object in `Error: No such KIND: NAME`, and picks the Go type templates run on. */
  kind: Exclude<InspectKind, 'image'>;
  /** `--format`; empty: the JSON array, indented as docker's. */
  format: string;
  get(client: Client, name: string): Promise<T>;
  /** Escape `<`, `>` and `&` as Go's encoder does (docker's container inspect). */
  escapeHtml?: boolean;
}

export async function inspectEach<T>(ctx: CliContext, names: string[], opts: InspectEachOptions<T>): Promise<void> {
  const client = await ctx.client();
  const found: T[] = [];
  const errors: string[] = [];
  for (const n of names) {
    try {
      const v = await opts.get(client, n);
      if (!opts.format) found.push(v);
      else {
        const r = renderInspect(opts.format, v, opts.kind);
        ctx.out(r.text);
        if (r.error) errors.push(r.error);
      }
    } catch (e) {
      if (!isDaemonError(e)) throw e;
      errors.push(`Error: No such ${opts.kind}: ${n}`);
    }
  }
  if (!opts.format) {
    const json = JSON.stringify(found, null, 4);
    ctx.out((opts.escapeHtml ? json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : json) + '\n');
  }
  if (errors.length) throw new ExitError(1, errors.join('\n'));
}

/**
 * Removes each name in turn with `remove`, printing the name when it is gone; `ignoreMissing`
 * (`rm -f` of networks) passes over a 404 without a word.
 */
export async function removeEach(
  ctx: CliContext, names: string[], remove: (client: Client, name: string) => Promise<void>, opts: { ignoreMissing?: boolean } = {},
): Promise<void> {
  const client = await ctx.client();
  const errors: string[] = [];
  for (const n of names) {
    try {
      await remove(client, n);
      ctx.out(`${n}\n`);
    } catch (e) {
      if (!isDaemonError(e)) throw e;
      if (opts.ignoreMissing && e.status === 404) continue;
      errors.push(`Error response from daemon: ${messageOf(e)}`);
    }
  }
  if (errors.length) throw new ExitError(1, errors.join('\n'));
}
