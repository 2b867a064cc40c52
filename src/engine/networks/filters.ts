/**
 * @module engine/networks/filters
 * `network ls` / prune filters, as dockerd: driver, id (prefix), label (key or key=value), name
 * (substring), scope, type (custom|builtin), dangling (no endpoints), until (prune). Pure.
 */
import { InvalidArgument } from '../../errdefs/index.js';

export const LIST_FILTERS = ['driver', 'id', 'label', 'name', 'scope', 'type', 'dangling'];
export const PRUNE_FILTERS = ['label', 'label!', 'until'];

export interface FilterSubject {
  Name: string;
  Id: string;
  Driver: string;
  Scope: string;
  Created: string;
  Labels: Record<string, string>;
  /** bridge, host, none. */
  builtin: boolean;
  inUse: boolean;
}

function labelMatch(labels: Record<string, string>, f: string): boolean {
  const eq = f.indexOf('=');
  const k = eq < 0 ? f : f.slice(0, eq);
  return k in labels && (eq < 0 || labels[k] === f.slice(eq + 1));
}

function truthy(v: string): boolean {
  if (['1', 'true'].includes(v.toLowerCase())) return true;
  if (['0', 'false'].includes(v.toLowerCase())) return false;
  throw new InvalidArgument(`invalid filter 'dangling=${v}'`);
}

/** A Go-style duration (`24h`, `90m`, `10s`) or a timestamp → epoch ms. */
export function untilMs(v: string, now = Date.now()): number {
  const d = /^(\d+(?:\.\d+)?)(h|m|s)$/.exec(v);
  if (d) return now - Number(d[1]) * { h: 3600e3, m: 60e3, s: 1e3 }[d[2] as 'h' | 'm' | 's'];
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgument(`invalid filter 'until=${v}'`);
  return t;
}

export function matches(n: FilterSubject, f: Map<string, string[]>, allowed = LIST_FILTERS): boolean {
  for (const k of f.keys()) if (!allowed.includes(k)) throw new InvalidArgument(`invalid filter '${k}'`);
  for (const t of f.get('type') ?? []) if (t !== 'custom' && t !== 'builtin') throw new InvalidArgument(`invalid filter: 'type'='${t}'`);
  const any = (k: string, p: (v: string) => boolean) => !f.has(k) || f.get(k)!.some(p);
  return (
    any('driver', (v) => n.Driver === v) &&
    any('id', (v) => n.Id.startsWith(v)) &&
    any('name', (v) => n.Name.includes(v)) &&
    any('scope', (v) => n.Scope === v) &&
    any('type', (v) => (v === 'builtin') === n.builtin) &&
    any('dangling', (v) => truthy(v) === !n.inUse) &&
    (f.get('label') ?? []).every((l) => labelMatch(n.Labels, l)) &&
    (f.get('label!') ?? []).every((l) => !labelMatch(n.Labels, l)) &&
    (f.get('until') ?? []).every((u) => Date.parse(n.Created) < untilMs(u))
  );
}
