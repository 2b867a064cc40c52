/**
 * @module cli/commands/rm
 * `berth rm [-f] [-v] CONTAINER...` (also `berth container rm`).
 */
import type { Command } from '../command.js';
import { enc, forEachContainer } from './container-each.js';

export const rm: Command = {
  name: 'rm',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Remove one or more containers',
  args: { min: 1 },
  flags: [
    { long: 'force', short: 'f', type: 'bool', help: 'Force the removal of a running container (uses SIGKILL)' },
    { long: 'volumes', short: 'v', type: 'bool', help: 'Remove anonymous volumes associated with the container' },
    { long: 'link', short: 'l', type: 'bool', help: 'Remove the specified link' },
  ],
  async run(ctx, args, flags) {
    await forEachContainer(ctx, args, async (c, n) => {
      (await c.request('DELETE', `/containers/${enc(n)}`, { query: { force: flags.bool('force') ? 1 : undefined, v: flags.bool('volumes') ? 1 : undefined } })).resume();
    });
  },
};
