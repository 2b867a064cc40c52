/**
 * @module cli/commands/stop
 * `berth stop [-t SECONDS] [-s SIGNAL] CONTAINER...`: the stop signal, then SIGKILL after the
 * timeout (10 s unless the container says otherwise).
 */
import type { Command } from '../command.js';
import { enc, forEachContainer, post } from './container-each.js';

/** stop and restart: the same flags, the same call on another endpoint. */
export function stopLike(name: 'stop' | 'restart', description: string): Command {
  return {
    name,
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description,
    args: { min: 1 },
    flags: [
      { long: 'time', short: 't', type: 'int', help: 'Seconds to wait before killing the container', placeholder: 'int' },
      { long: 'signal', short: 's', type: 'string', help: 'Signal to send to the container', placeholder: 'string' },
    ],
    async run(ctx, args, flags) {
      const t = flags.changed('time') ? flags.int('time') : undefined;
      await forEachContainer(ctx, args, (c, n) => post(c, `/containers/${enc(n)}/${name}`, { t, signal: flags.string('signal') || undefined }));
    },
  };
}

export const stop: Command = stopLike('stop', 'Stop one or more running containers');
