/**
 * @module cli/commands/restart
 * `berth restart [-t SECONDS] CONTAINER...`.
 */
import type { Command } from '../command.js';
import { enc, forEachContainer, post } from './container-each.js';

export const restart: Command = {
  name: 'restart',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Restart one or more containers',
  args: { min: 1 },
  flags: [
    { long: 'time', short: 't', type: 'int', help: 'Seconds to wait before killing the container', placeholder: 'int' },
    { long: 'signal', short: 's', type: 'string', help: 'Signal to send to the container', placeholder: 'string' },
  ],
  async run(ctx, args, flags) {
    const t = flags.changed('time') ? flags.int('time') : undefined;
    await forEachContainer(ctx, args, (c, n) => post(c, `/containers/${enc(n)}/restart`, { t, signal: flags.string('signal') || undefined }));
  },
};
