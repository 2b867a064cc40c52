/**
 * @module cli/commands/rmi
 * `berth rmi [OPTIONS] IMAGE [IMAGE...]` (also `berth image rm`): `Untagged:` and `Deleted:`
 * lines as docker prints them; every image is tried, errors are printed and end with status 1,
 * except with `--force` when every error is an image not found (printed, status 0).
 */
import type { DeleteItem } from '../../api/types/images.js';
import { isDaemonError } from '../../client/client.js';
import { messageOf } from '../../errdefs/index.js';
import { ExitError, type Command } from '../command.js';

export const rmi: Command = {
  name: 'rmi',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Remove one or more images',
  args: { min: 1 },
  flags: [
    { long: 'force', short: 'f', type: 'bool', help: 'Force removal of the image' },
    { long: 'no-prune', type: 'bool', help: 'Do not delete untagged parents' },
  ],
  async run(ctx, args, flags) {
    const client = await ctx.client();
    const errors: string[] = [];
    let fatal = false;
    for (const name of args) {
      try {
        const items = await client.json<DeleteItem[]>('DELETE', `/images/${encodeURIComponent(name)}`, {
          query: { force: flags.bool('force') ? '1' : undefined, noprune: flags.bool('no-prune') ? '1' : undefined },
        });
        for (const it of items) ctx.out('Untagged' in it ? `Untagged: ${it.Untagged}\n` : `Deleted: ${it.Deleted}\n`);
      } catch (e) {
        if (!isDaemonError(e)) throw e;
        if (e.status !== 404) fatal = true;
        errors.push(`Error response from daemon: ${messageOf(e)}`);
      }
    }
    if (!errors.length) return;
    if (!flags.bool('force') || fatal) throw new ExitError(1, errors.join('\n'));
    ctx.err(`${errors.join('\n')}\n`);
  },
};
