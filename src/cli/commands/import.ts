/**
 * @module cli/commands/import
 * `berth import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]` (also `berth image import`):
 * a root file system tar (plain or gzip) becomes a one-layer image; prints its ID.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { ExitError, type Command } from '../command.js';
import { jsonMessagePrinter } from './image-stream.js';

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

export const importCmd: Command = {
  name: 'import',
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  description: 'Import the contents from a tarball to create a filesystem image',
  args: { min: 1, max: 2 },
  flags: [
    { long: 'change', short: 'c', type: 'list', help: 'Apply Dockerfile instruction to the created image', placeholder: 'list' },
    { long: 'message', short: 'm', type: 'string', help: 'Set commit message for imported image', placeholder: 'string' },
    { long: 'platform', type: 'string', help: 'Set platform if server is multi-platform capable', placeholder: 'string' },
  ],
  async run(ctx, args, flags) {
    const source = args[0]!;
    let fromSrc = source;
    let body: Readable | undefined;
    if (source === '-') body = ctx.stdin;
    else if (!isUrl(source)) {
      fromSrc = '-';
      const file = createReadStream(ctx.resolve(source), { highWaterMark: 1 << 20 });
      await new Promise<void>((resolve, reject) => {
        file.once('open', () => resolve());
        file.once('error', (e) =>
          reject(new ExitError(1, `open ${source}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : e.message}`)),
        );
      });
      body = file;
    }
    const client = await ctx.client();
    const printer = jsonMessagePrinter(ctx);
    await client.jsonStream(
      'POST',
      '/images/create',
      {
        query: {
          fromSrc,
          repo: args[1] ?? '',
          tag: '',
          message: flags.string('message'),
          changes: flags.list('change'),
          platform: flags.string('platform') || undefined,
        },
        body,
        headers: body ? { 'Content-Type': 'application/x-tar' } : {},
      },
      printer.onMessage,
    );
    printer.finish();
  },
};
