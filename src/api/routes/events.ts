/**
 * @module api/routes/events
 * GET /events: JSON messages, one per line, as they happen (and, with `since`, those still
 * kept from then); `until` ends the stream; `filters` as dockerd's.
 */
import { eventFilter, type EventLog } from '../../engine/events/event-log.js';
import type { Route } from '../router.js';
import { parseTimeParam } from './containers-io.js';

export function eventRoutes(events: Pick<EventLog, 'subscribe'>): Route[] {
  return [
    {
      method: 'GET',
      path: '/events',
      handler: async (ctx) => {
        const sinceNs = parseTimeParam(ctx.query.string('since'), 'since');
        const untilNs = parseTimeParam(ctx.query.string('until'), 'until');
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
