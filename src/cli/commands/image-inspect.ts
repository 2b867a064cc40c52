/**
 * @module cli/commands/image-inspect
 * `berth image inspect [-f FORMAT] IMAGE...` and the generic `berth inspect [-f] [--type]
 * NAME...`, which tries a container, then an image (docker's order), and prints what it
 * found as one indented JSON array, or each through the template.
 */
import { isDaemonError, type Client } from '../../client/client.js';
import { NotFound, messageOf } from '../../errdefs/index.js';
import { ExitError, type CliContext, type Command } from '../command.js';
import type { Flags } from '../../util/flags.js';
import { renderInspect } from '../format/output.js';

const formatFlag = { long: 'format', short: 'f', type: 'string', help: 'Format output using a custom template', placeholder: 'string' } as const;

/** JSON as docker prints inspect output (4-space indent, Go's HTML-safe escaping). */
function indentJson(v: unknown): string {
  return JSON.stringify(v, null, 4).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/** One name's outcome: what the daemon returned (and which Go type it decodes into), or an error line. */
type Found = { kind: 'container' | 'image'; v: unknown } | { error: string };

/** Prints what was found (JSON array or one template run each); returns the error lines in order. */
function print(ctx: CliContext, results: Found[], flags: Flags): string[] {
  const format = flags.string('format');
  const errors: string[] = [];
  if (!format) ctx.out(indentJson(results.flatMap((r) => ('v' in r ? [r.v] : []))) + '\n');
  for (const r of results) {
    if ('error' in r) errors.push(r.error);
    else if (format) {
      const out = renderInspect(format, r.v, r.kind);
      ctx.out(out.text);
      if (out.error) errors.push(out.error);
    }
  }
  return errors;
}

async function tryGet(client: Client, path: string): Promise<unknown | undefined> {
  try {
    return await client.json('GET', path);
  } catch (e) {
    if (isDaemonError(e) && e.status === 404) return undefined;
    throw e;
  }
}

export const imageInspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Display detailed information on one or more images',
  args: { min: 1 },
  flags: [formatFlag],
  async run(ctx, args, flags) {
    const client = await ctx.client();
    const results: Found[] = [];
    for (const name of args) {
      try {
        results.push({ kind: 'image', v: await client.json('GET', `/images/${encodeURIComponent(name)}/json`) });
      } catch (e) {
        if (!isDaemonError(e)) throw e;
        results.push({ error: `Error response from daemon: ${messageOf(e)}` });
      }
    }
    const errors = print(ctx, results, flags);
    if (errors.length) throw new ExitError(1, errors.join('\n'));
  },
};

export const inspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  description: 'Return low-level information on Docker objects',
  args: { min: 1 },
  flags: [formatFlag, { long: 'type', type: 'string', help: 'Return JSON for specified type', placeholder: 'string' }],
  async run(ctx, args, flags) {
    const client = await ctx.client();
    const type = flags.string('type');
    if (type && type !== 'container' && type !== 'image') throw new ExitError(1, `"${type}" is not a valid value for --type`);
    const results: Found[] = [];
    for (const name of args) {
      const n = encodeURIComponent(name);
      let v: unknown;
      if (type !== 'image') v = await tryGet(client, `/containers/${n}/json`);
      if (v !== undefined) results.push({ kind: 'container', v });
      else if (type !== 'container' && (v = await tryGet(client, `/images/${n}/json`)) !== undefined) results.push({ kind: 'image', v });
      else results.push({ error: `Error: No such ${type ? (type === 'image' ? 'image' : 'container') : 'object'}: ${name}` });
    }
    const errors = print(ctx, results, flags);
    const missing = results.find((r) => 'error' in r);
    if (errors.length) throw new ExitError(1, errors.join('\n'), missing && 'error' in missing ? { cause: new NotFound(missing.error) } : undefined);
  },
};
