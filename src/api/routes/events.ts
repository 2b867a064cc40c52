/**
 * @module api/routes/events
 * GET /events: JSON messages, one per line, as they happen (and, with `since`, those still
 * kept from then); `until` ends the stream; `filters` as dockerd's.
 */
import { eventFilter, type EventLog } from '../../engine/events/event-log.js';
import type { Route } from '../router.js';
import { InvalidArgument } from '../../errdefs/index.js';
import { parseTimeParam } from './containers-io.js';

export function eventRoutes(events: Pick<EventLog, 'subscribe'>): Route[] {
  return [
    {
      method: 'GET',
      path: '/events',
      handler: async (ctx) => {
        // 0 is the epoch here, not "none" as in logs.
        const since = ctx.query.string('since');
        const until = ctx.query.string('until');
        const sinceNs = since === '0' ? 0n : parseTimeParam(since, 'since');
        const untilNs = until === '0' ? 0n : parseTimeParam(until, 'until');
        if (sinceNs !== undefined && untilNs !== undefined && untilNs < sinceNs) {
          throw new InvalidArgument(`\`since\` time (${since}) cannot be after \`until\` time (${until})`);
        }
        const filter = eventFilter(ctx.query.filters());
        const out = ctx.startStream(200, 'application/json');
        // Headers now: clients wait for them before they do what they want to watch.
        out.write('');
        for await (const m of events.subscribe({ sinceNs, untilNs, filter, signal: ctx.signal })) {
          if (!out.write(JSON.stringify(m) + '\n')) await new Promise((res) => out.once('drain', res));
        }
        out.end();
      },
    },
  ];
}
