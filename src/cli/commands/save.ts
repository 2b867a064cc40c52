/**
 * @module cli/commands/save
 * `berth save [-o FILE] [--format docker|oci] IMAGE...` (also `berth image save`): a
 * docker-archive (or OCI layout) to a file (written beside it, then renamed) or to stdout
 * when that is not a terminal.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ExitError, type Command } from '../command.js';

export const save: Command = {
  name: 'save',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  args: { min: 1 },
  flags: [
    { long: 'output', short: 'o', type: 'string', help: 'Write to a file, instead of STDOUT', placeholder: 'string' },
    { long: 'format', type: 'string', help: 'Archive format: "docker" (docker-archive) or "oci" (OCI image layout)', default: 'docker' },
  ],
  async run(ctx, args, flags) {
    const output = flags.string('output') && ctx.resolve(flags.string('output'));
    if (!output && ctx.stdout.isTTY) {
      throw new ExitError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    const format = flags.string('format');
    if (format !== 'docker' && format !== 'oci') throw new ExitError(1, `invalid --format "${format}": use "docker" or "oci"`);
    const client = await ctx.client();
    const res = await client.request('GET', '/images/get', { query: { names: args, format: format === 'oci' ? 'oci' : undefined } });
    if (!output) {
      await pipeline(res, ctx.stdout, { end: false });
      return;
    }
    const tmp = join(dirname(output), `.${basename(output)}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await pipeline(res, createWriteStream(tmp, { mode: 0o644 }));
      await fs.rename(tmp, output);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw new ExitError(1, `failed to save image: ${(e as Error).message}`, { cause: e });
    }
  },
};
