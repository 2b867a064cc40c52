/**
 * @module cli/commands/stop
 * `berth stop [-t SECONDS] [-s SIGNAL] CONTAINER...`: the stop signal, then SIGKILL after the
 * timeout (10 s unless the container says otherwise).
 */
import type { Command } from '../command.js';
import { enc, forEachContainer, post } from './container-each.js';

export const stop: Command = {
  name: 'stop',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Stop one or more running containers',
  args: { min: 1 },
  flags: [
    { long: 'time', short: 't', type: 'int', help: 'Seconds to wait before killing the container', placeholder: 'int' },
    { long: 'signal', short: 's', type: 'string', help: 'Signal to send to the container', placeholder: 'string' },
  ],
  async run(ctx, args, flags) {
    const t = flags.changed('time') ? flags.int('time') : undefined;
    await forEachContainer(ctx, args, (c, n) => post(c, `/containers/${enc(n)}/stop`, { t, signal: flags.string('signal') || undefined }));
  },
};
