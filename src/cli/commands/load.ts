/**
 * @module cli/commands/load
 * `berth load [-i FILE] [-q]` (also `berth image load`): sends a docker-archive or OCI layout
 * (plain or gzip) and prints `Loaded image: name:tag` / `Loaded image ID: sha256:…`.
 */
import { createReadStream } from 'node:fs';
import { ExitError, type Command } from '../command.js';
import { jsonMessagePrinter } from './image-stream.js';

export const load: Command = {
  name: 'load',
  usage: '[OPTIONS]',
  description: 'Load an image from a tar archive or STDIN',
  args: { max: 0 },
  flags: [
    { long: 'input', short: 'i', type: 'string', help: 'Read from tar archive file, instead of STDIN', placeholder: 'string' },
    { long: 'quiet', short: 'q', type: 'bool', help: 'Suppress the load output' },
  ],
  async run(ctx, _args, flags) {
    const input = flags.string('input');
    if (!input && ctx.stdin.isTTY) throw new ExitError(1, 'requested load from stdin, but stdin is empty');
    const body = input ? createReadStream(ctx.resolve(input), { highWaterMark: 1 << 20 }) : ctx.stdin;
    const opened = new Promise<void>((resolve, reject) => {
      if (!input) return resolve();
      body.once('open', () => resolve());
      body.once('error', (e: Error) => reject(new ExitError(1, `open ${input}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : e.message}`)));
    });
    await opened;
    const client = await ctx.client();
    const printer = jsonMessagePrinter(ctx);
    await client.jsonStream(
      'POST',
      '/images/load',
      { query: { quiet: flags.bool('quiet') ? '1' : '0' }, body, headers: { 'Content-Type': 'application/x-tar' } },
      printer.onMessage,
    );
    printer.finish();
  },
};
