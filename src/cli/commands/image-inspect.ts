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
import { renderOne } from '../format/output.js';

const formatFlag = { long: 'format', short: 'f', type: 'string', help: 'Format output using a custom template', placeholder: 'string' } as const;

/** JSON as docker prints inspect output (4-space indent, Go's HTML-safe escaping). */
function indentJson(v: unknown): string {
  return JSON.stringify(v, null, 4).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function print(ctx: CliContext, found: unknown[], flags: Flags): void {
  const format = flags.string('format');
  if (format) for (const v of found) ctx.out(renderOne(format, v));
  else ctx.out(indentJson(found) + '\n');
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
    const found: unknown[] = [];
    const errors: string[] = [];
    for (const name of args) {
      try {
        found.push(await client.json('GET', `/images/${encodeURIComponent(name)}/json`));
      } catch (e) {
        if (!isDaemonError(e)) throw e;
        errors.push(`Error response from daemon: ${messageOf(e)}`);
      }
    }
    print(ctx, found, flags);
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
    const found: unknown[] = [];
    const errors: string[] = [];
    for (const name of args) {
      const n = encodeURIComponent(name);
      let v: unknown;
      if (type !== 'image') v = await tryGet(client, `/containers/${n}/json`);
      if (v === undefined && type !== 'container') v = await tryGet(client, `/images/${n}/json`);
      if (v === undefined) errors.push(`Error: No such ${type ? (type === 'image' ? 'image' : 'container') : 'object'}: ${name}`);
      else found.push(v);
    }
    if (found.length || !flags.string('format')) print(ctx, found, flags);
    if (errors.length) throw new ExitError(1, errors.join('\n'), { cause: new NotFound(errors[0]!) });
  },
};
