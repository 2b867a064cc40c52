/**
 * @module engine/events/event-log
 * dockerd's event stream: every engine records what happened (a container started, an image
 * was tagged, a network connected) here; GET /events replays what is still kept (the last 256,
 * as dockerd) from `since`, then follows new events until `until` or the client leaves.
 * Filters are dockerd's: type, event, container, image, label, network, volume, daemon.
 */
import type { EventMessage } from '../../api/types/system.js';
import { InvalidArgument } from '../../errdefs/index.js';

/** What an engine reports; the log adds the times and Docker's legacy fields. */
export interface EngineEvent {
  type: EventMessage['Type'];
  action: string;
  id: string;
  attributes?: Record<string, string>;
  /** Containers: the image name they run (`from`). */
  from?: string;
}

/** Where engines report events (optional in their deps: tests may leave it out). */
export type EventSink = (e: EngineEvent) => void;

const KEEP = 256;
const FILTERS = ['container', 'daemon', 'event', 'image', 'label', 'network', 'node', 'plugin', 'scope', 'service', 'type', 'volume', 'config', 'secret'];
const TYPES = ['container', 'image', 'volume', 'network', 'daemon', 'plugin', 'node', 'service', 'secret', 'config', 'builder'];

/** An event's time in nanoseconds; strictly increasing, so `since` never loses or repeats one. */
let lastNs = 0n;
function nowNs(): bigint {
  const ns = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  lastNs = ns > lastNs ? ns : lastNs + 1n;
  return lastNs;
}

export function toMessage(e: EngineEvent, ns: bigint): EventMessage {
  const legacy = e.type === 'container' || e.type === 'image';
  return {
    ...(legacy ? { status: e.action, id: e.id, ...(e.from !== undefined ? { from: e.from } : {}) } : {}),
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.id, Attributes: e.attributes ?? {} },
    scope: 'local',
    time: Number(ns / 1_000_000_000n),
    timeNano: Number(ns),
  };
}

/** Checks `filters` against dockerd's list; returns a predicate. */
export function eventFilter(filters: Map<string, string[]>): (m: EventMessage) => boolean {
  for (const k of filters.keys()) if (!FILTERS.includes(k)) throw new InvalidArgument(`invalid filter '${k}'`);
  for (const t of filters.get('type') ?? []) if (!TYPES.includes(t)) throw new InvalidArgument(`Invalid filter 'type=${t}'`);
  const any = (k: string, test: (v: string) => boolean) => !filters.has(k) || filters.get(k)!.some(test);
  return (m) => {
    const a = m.Actor.Attributes;
    // `health_status: healthy` matches event=health_status, as dockerd's prefix match.
    if (!any('event', (v) => m.Action === v || m.Action.startsWith(`${v}:`))) return false;
    if (!any('type', (v) => m.Type === v)) return false;
    if (!any('scope', (v) => v === 'local')) return false;
    const isType = (t: string) => m.Type === t;
    if (filters.has('container') && !(isType('container') && filters.get('container')!.some((v) => m.Actor.ID.startsWith(v) || a.name === v))
      && !(isType('network') && filters.get('container')!.some((v) => a.container?.startsWith(v)))) return false;
    if (filters.has('image') && !filters.get('image')!.some((v) => (isType('image') && (m.Actor.ID === v || a.name === v)) || (isType('container') && (a.image === v || m.from === v)))) return false;
    if (filters.has('network') && !(isType('network') && filters.get('network')!.some((v) => m.Actor.ID.startsWith(v) || a.name === v))) return false;
    if (filters.has('volume') && !(isType('volume') && filters.get('volume')!.some((v) => m.Actor.ID === v))) return false;
    if (filters.has('daemon') && !isType('daemon')) return false;
    if (filters.has('label') && !filters.get('label')!.every((l) => {
      const i = l.indexOf('=');
      return i < 0 ? l in a : a[l.slice(0, i)] === l.slice(i + 1);
    })) return false;
    return true;
  };
}

export class EventLog {
  readonly #kept: { ns: bigint; m: EventMessage }[] = [];
  readonly #subscribers = new Set<(m: EventMessage, ns: bigint) => void>();

  /** The sink engines report to. */
  readonly sink: EventSink = (e) => this.record(e);

  record(e: EngineEvent): void {
    const ns = nowNs();
    const m = toMessage(e, ns);
    this.#kept.push({ ns, m });
    if (this.#kept.length > KEEP) this.#kept.shift();
    for (const s of this.#subscribers) s(m, ns);
  }

  /**
   * The events of one GET /events: those kept from `sinceNs` (when given), then new ones while
   * `untilNs` is not past, until `signal` aborts. Without `since` only new events; with an
   * `until` in the past, only the kept ones.
   */
  async *subscribe(opts: { sinceNs?: bigint; untilNs?: bigint; filter: (m: EventMessage) => boolean; signal: AbortSignal }): AsyncGenerator<EventMessage> {
    // What is kept now, and from now on what the subscription receives: no event twice.
    const kept = [...this.#kept];
    const queue: { ns: bigint; m: EventMessage }[] = [];
    let wake: (() => void) | undefined;
    const sub = (m: EventMessage, ns: bigint) => {
      queue.push({ ns, m });
      wake?.();
    };
    this.#subscribers.add(sub);
    const onAbort = () => wake?.();
    opts.signal.addEventListener('abort', onAbort);
    try {
      const past = (ns: bigint) => opts.untilNs !== undefined && ns > opts.untilNs;
      if (opts.sinceNs !== undefined) {
        for (const k of kept) {
          if (k.ns < opts.sinceNs || past(k.ns)) continue;
          if (opts.filter(k.m)) yield k.m;
        }
      }
      const nowLimit = () => opts.untilNs !== undefined && BigInt(Date.now()) * 1_000_000n > opts.untilNs;
      while (!opts.signal.aborted && !nowLimit()) {
        while (queue.length) {
          const k = queue.shift()!;
          if (past(k.ns)) return;
          if (opts.filter(k.m)) yield k.m;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          // An `until` ends the stream when its time comes, even if nothing happens.
          if (opts.untilNs !== undefined) {
            const ms = Number(opts.untilNs / 1_000_000n) - Date.now();
            setTimeout(resolve, Math.max(0, ms) + 1).unref();
          }
        });
        wake = undefined;
      }
    } finally {
      this.#subscribers.delete(sub);
      opts.signal.removeEventListener('abort', onAbort);
    }
  }
}
