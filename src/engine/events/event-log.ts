/**
 * @module engine/events/event-log
 * dockerd's event stream: every engine records what happened (a container started, an image
 * was tagged, a network connected) here; GET /events replays what is still kept (the last 256,
 * as dockerd) from `since`, then follows new events until `until` or the client leaves.
 * Filters are dockerd's: type, event, container, image, label, network, volume, daemon.
 */
import type { EventMessage } from '../../api/types/system.js';
import { familiarName, parseNormalizedNamed } from '../../image/reference.js';

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

/** An event's time in nanoseconds; strictly increasing, so `since` never loses or repeats one. */
let lastNs = 0n;
function nowNs(): bigint {
  const ns = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  lastNs = ns > lastNs ? ns : lastNs + 1n;
  return lastNs;
}

/**
 * What a prune reports after its removals' own events, as dockerd: one `prune` of the object
 * type, no actor ID, the bytes reclaimed as `reclaimed` (networks: always 0).
 */
export function pruneEvent(type: 'container' | 'image' | 'volume' | 'network' | 'builder', reclaimed: number): EngineEvent {
  return { type, action: 'prune', id: '', attributes: { reclaimed: String(reclaimed) } };
}

export function toMessage(e: EngineEvent, ns: bigint): EventMessage {
  const legacy = e.type === 'container' || e.type === 'image';
  return {
    // dockerd leaves out the legacy fields that are empty (a prune's `id`).
    ...(legacy ? { status: e.action, ...(e.id ? { id: e.id } : {}), ...(e.from ? { from: e.from } : {}) } : {}),
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.id, Attributes: e.attributes ?? {} },
    scope: 'local',
    time: Number(ns / 1_000_000_000n),
    timeNano: Number(ns),
  };
}

/** The image's name without tag or digest, as dockerd compares it (the text itself if it is no reference). */
function stripTag(image: string): string {
  try {
    return familiarName(parseNormalizedNamed(image));
  } catch {
    return image;
  }
}

/**
 * A predicate for dockerd's event filters. As dockerd: `container`, `volume`, `network` and the
 * other object filters match any event whose actor ID or `name` starts with a value; `image`
 * matches the image exactly (with or without its tag); an unknown filter is ignored and an
 * unknown type matches nothing, with no error.
 */
export function eventFilter(filters: Map<string, string[]>): (m: EventMessage) => boolean {
  const values = (k: string) => filters.get(k) ?? [];
  const exact = (k: string, v: string | undefined) => !values(k).length || (v !== undefined && values(k).includes(v));
  const fuzzy = (k: string, v: string | undefined) => exact(k, v) || (v !== undefined && values(k).some((p) => v.startsWith(p)));
  const fuzzyEvent = values('event').some((v) => ['health_status', 'exec_create', 'exec_start'].includes(v));
  return (m) => {
    const a = m.Actor.Attributes;
    if (!(fuzzyEvent ? fuzzy('event', m.Action) : exact('event', m.Action))) return false;
    if (!exact('type', m.Type) || !exact('scope', m.scope)) return false;
    for (const k of ['daemon', 'container', 'plugin', 'volume', 'network', 'service', 'node', 'secret', 'config']) {
      if (!fuzzy(k, m.Actor.ID) && !fuzzy(k, a.name)) return false;
    }
    const imageName = m.Type === 'image' ? a.name : a.image;
    const images = [m.Actor.ID, imageName, stripTag(m.Actor.ID), imageName === undefined ? undefined : stripTag(imageName)];
    if (values('image').length && !images.some((v) => v !== undefined && values('image').includes(v))) return false;
    if (filters.has('label') && !values('label').every((l) => {
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
   * The events of one GET /events: those kept from `sinceNs` up to `untilNs` (when either is
   * given), then new ones while `untilNs` is not past, until `signal` aborts. Without `since` or
   * `until` only new events; with an `until` in the past, only the kept ones. As dockerd, an
   * `until` of 0 (the epoch) limits nothing kept, and ends the stream once they are sent.
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
      const past = (ns: bigint) => !!opts.untilNs && ns > opts.untilNs;
      if (opts.sinceNs !== undefined || opts.untilNs !== undefined) {
        for (const k of kept) {
          if (k.ns < (opts.sinceNs ?? 0n) || past(k.ns)) continue;
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
