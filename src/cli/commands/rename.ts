/**
 * @module cli/commands/rename
 * `berth rename CONTAINER NEW_NAME`, with the docker CLI's messages: empty names refused before
 * asking the daemon, and a daemon error followed by `Error: failed to rename container named …`.
 */
import { isDaemonError } from '../../client/client.js';
import { messageOf } from '../../errdefs/index.js';
import { ExitError, type Command } from '../command.js';
import { enc, post } from './container-each.js';

export const rename: Command = {
  name: 'rename',
  usage: 'CONTAINER NEW_NAME',
  description: 'Rename a container',
  args: { min: 2, max: 2 },
  async run(ctx, args) {
    const [oldName, newName] = [args[0]!.trim(), args[1]!.trim()];
    if (!oldName || !newName) throw new ExitError(1, 'Error: Neither old nor new names may be empty');
    try {
      await post(await ctx.client(), `/containers/${enc(oldName)}/rename`, { name: newName });
    } catch (e) {
      if (!isDaemonError(e)) throw e;
      ctx.err(`Error response from daemon: ${messageOf(e)}\n`);
      throw new ExitError(1, `Error: failed to rename container named ${oldName}`, { cause: e });
    }
  },
};
