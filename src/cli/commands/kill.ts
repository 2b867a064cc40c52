/**
 * @module cli/commands/kill
 * `berth kill [-s SIGNAL] CONTAINER...` (SIGKILL by default).
 */
import type { Command } from '../command.js';
import { enc, forEachContainer, post } from './container-each.js';

export const kill: Command = {
  name: 'kill',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Kill one or more running containers',
  args: { min: 1 },
  flags: [{ long: 'signal', short: 's', type: 'string', help: 'Signal to send to the container', placeholder: 'string' }],
  async run(ctx, args, flags) {
    await forEachContainer(ctx, args, (c, n) => post(c, `/containers/${enc(n)}/kill`, { signal: flags.string('signal') || undefined }));
  },
};
