/**
 * @module cli/commands/logs
 * `berth logs [OPTIONS] CONTAINER`: the container's json-file log, stdout to stdout and stderr
 * to stderr (raw with a TTY), with `-f`, `--tail`, `--since`, `--until` (timestamps or
 * durations like `10m`) and `-t`.
 */
import type { ContainerInspect } from '../../api/types/containers.js';
import { ExitError, type Command } from '../command.js';
import { enc } from './container-each.js';
import { copyOutput } from './container-stream.js';

/** docker's GetTimestamp: a Go duration (`1h30m`, `10s`) before now, or a date, as `seconds.nanos`. */
export function timestampParam(v: string, now = Date.now()): string {
  if (!v) return '';
  const dur = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(v);
  if (dur && /[hms]$/.test(v)) {
    const ms = Number(dur[1] ?? 0) * 3_600_000 + Number(dur[2] ?? 0) * 60_000 + Number(dur[3] ?? 0) * 1000 + Number(dur[4] ?? 0);
    const t = now - ms;
    return `${Math.floor(t / 1000)}.${String((t % 1000) * 1_000_000).padStart(9, '0')}`;
  }
  if (/^\d+(\.\d+)?$/.test(v)) return v;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || !v.includes('T') ? v : v + 'Z');
  if (Number.isNaN(t)) throw new ExitError(1, `invalid value for "since": failed to parse value as time or duration: "${v}"`);
  return `${Math.floor(t / 1000)}.${String((t % 1000) * 1_000_000).padStart(9, '0')}`;
}

export const logs: Command = {
  name: 'logs',
  usage: '[OPTIONS] CONTAINER',
  description: 'Fetch the logs of a container',
  args: { min: 1, max: 1 },
  flags: [
    { long: 'details', type: 'bool', help: 'Show extra details provided to logs' },
    { long: 'follow', short: 'f', type: 'bool', help: 'Follow log output' },
    { long: 'since', type: 'string', help: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)', placeholder: 'string' },
    { long: 'tail', short: 'n', type: 'string', help: 'Number of lines to show from the end of the logs', default: 'all', placeholder: 'string' },
    { long: 'timestamps', short: 't', type: 'bool', help: 'Show timestamps' },
    { long: 'until', type: 'string', help: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)', placeholder: 'string' },
  ],
  async run(ctx, args, flags) {
    const client = await ctx.client();
    const info = await client.json<ContainerInspect>('GET', `/containers/${enc(args[0]!)}/json`);
    const res = await client.request('GET', `/containers/${enc(args[0]!)}/logs`, {
      query: {
        stdout: 1, stderr: 1, follow: flags.bool('follow') ? 1 : undefined, tail: flags.string('tail'),
        since: timestampParam(flags.string('since')) || undefined, until: timestampParam(flags.string('until')) || undefined,
        timestamps: flags.bool('timestamps') ? 1 : undefined, details: flags.bool('details') ? 1 : undefined,
      },
    });
    await copyOutput(res, !!info.Config.Tty, ctx.stdout, ctx.stderr);
  },
};
