/**
 * @module engine/networks/filters
 * `network ls` / prune filters, as dockerd: driver, id (prefix), label (key or key=value), name
 * (substring), scope, type (custom|builtin), dangling (no endpoints), until (prune). Pure.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { untilTime } from '../../util/until-time.js';

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

/** The `until` filter: a Go duration before now or a timestamp → epoch ms (util/until-time). */
export function untilMs(v: string, now = Date.now()): number {
  return untilTime(v, now);
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
