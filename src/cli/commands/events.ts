/**
 * @module cli/commands/events
 * `berth events [--since T] [--until T] [-f FILTER]… [--format F]`: the daemon's events as the
 * docker CLI prints them (`TIME TYPE ACTION ID (k=v, …)`), until interrupted or `--until`.
 * `--since`/`--until` take a unix time, an RFC 3339 date, or a Go duration back from now.
 */
import type { EventMessage } from '../../api/types/system.js';
import { parseDuration } from '../../dockerfile/instructions/duration.js';
import type { Command } from '../command.js';
import { renderOne } from '../format/output.js';
import { filtersOf } from './images.js';

/** A `--since`/`--until` value as the API takes it: durations become a unix time (seconds.nanos). */
export function eventTime(v: string, now = Date.now()): string {
  if (!v) return v;
  if (/^[0-9.]+$/.test(v) || /^\d{4}-\d\d-\d\d/.test(v)) return v;
  const ms = now - parseDuration(v) / 1e6;
  return (ms / 1000).toFixed(9);
}

/** One event line as the docker CLI prints it. */
export function eventLine(m: EventMessage): string {
  const ns = BigInt(m.timeNano);
  const iso = new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
  const time = `${iso}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
  const attrs = Object.keys(m.Actor.Attributes).sort().map((k) => `${k}=${m.Actor.Attributes[k]}`);
  return `${time} ${m.Type} ${m.Action} ${m.Actor.ID}${attrs.length ? ` (${attrs.join(', ')})` : ''}\n`;
}

export const events: Command = {
  name: 'events',
  usage: '[OPTIONS]',
  description: 'Get real time events from the server',
  args: { max: 0 },
  flags: [
    { long: 'filter', short: 'f', type: 'list', help: 'Filter output based on conditions provided', placeholder: 'filter' },
    { long: 'format', type: 'string', help: 'Format the output using the given Go template', placeholder: 'string' },
    { long: 'since', type: 'string', help: 'Show all events created since timestamp', placeholder: 'string' },
    { long: 'until', type: 'string', help: 'Stream events until this timestamp', placeholder: 'string' },
  ],
  async run(ctx, _args, flags) {
    const client = await ctx.client();
    const format = flags.string('format');
    const abort = new AbortController();
    const stop = ctx.onSignals(['SIGINT', 'SIGTERM'], () => abort.abort());
    try {
      await client.jsonStream(
        'GET', '/events',
        {
          query: { since: eventTime(flags.string('since')) || undefined, until: eventTime(flags.string('until')) || undefined, filters: filtersOf(flags.list('filter')) },
          signal: abort.signal,
        },
        (m) => ctx.out(format ? renderOne(format, m) : eventLine(m as unknown as EventMessage)),
      ).catch((e) => {
        if (!abort.signal.aborted) throw e;
      });
    } finally {
      stop();
    }
  },
};
