/**
 * @module cli/commands/rename
 * `berth rename CONTAINER NEW_NAME`.
 */
import type { Command } from '../command.js';
import { enc, post } from './container-each.js';

export const rename: Command = {
  name: 'rename',
  usage: 'CONTAINER NEW_NAME',
  description: 'Rename a container',
  args: { min: 2, max: 2 },
  async run(ctx, args) {
    await post(await ctx.client(), `/containers/${enc(args[0]!)}/rename`, { name: args[1]! });
  },
};
