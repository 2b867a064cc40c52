/**
 * @module cli/commands/wait
 * `berth wait CONTAINER...`: prints each container's exit status once it stops.
 */
import type { Command } from '../command.js';
import { enc, forEachContainer } from './container-each.js';

export const wait: Command = {
  name: 'wait',
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Block until one or more containers stop, then print their exit codes',
  args: { min: 1 },
  async run(ctx, args) {
    await forEachContainer(ctx, args, async (c, n) => {
      const r = await c.json<{ StatusCode: number }>('POST', `/containers/${enc(n)}/wait`);
      return String(r.StatusCode);
    });
  },
};
