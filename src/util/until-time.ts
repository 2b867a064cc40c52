/**
 * @module util/until-time
 * The `until` prune filter as dockerd reads it (its `GetTimestamp`): a Go duration before now
 * (`10m`, `1h30m`, `1.5h`, `300ms`), an RFC 3339 time or date, or unix seconds
 * (`1700000000`, `1700000000.5`); the answer is milliseconds since the epoch. Also the
 * `label=` / `label!=` test every prune filter shares.
 */
import { InvalidArgument } from '../errdefs/index.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

/** Go's time.ParseDuration, in milliseconds; undefined when `v` is not a duration. */
export function parseGoDuration(v: string): number | undefined {
  const m = /^([-+]?)(.*)$/s.exec(v)!;
  let rest = m[2]!;
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const p = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!p || (p[1] === '' && (p[2] ?? '') === '')) return undefined;
    total += Number(`${p[1] || '0'}.${p[2] || '0'}`) * UNIT_MS[p[3]!]!;
    rest = rest.slice(p[0].length);
  }
  return m[1] === '-' ? -total : total;
}

export function untilTime(v: string, now = Date.now()): number {
  const d = parseGoDuration(v);
  if (d !== undefined) return now - d;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  // Date-only and zone-less forms are local time in dockerd, as in Date.parse for date-times.
  const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00`) : Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgument(`failed to parse value as time or duration: "${v}"`);
  return t;
}

/** Whether `labels` has label `want` (`key` or `key=value`), as dockerd's label filters test. */
export function hasLabel(labels: Record<string, string> | null | undefined, want: string): boolean {
  const eq = want.indexOf('=');
  const k = eq < 0 ? want : want.slice(0, eq);
  return !!labels && Object.hasOwn(labels, k) && (eq < 0 || labels[k] === want.slice(eq + 1));
}

/** The `label` (all must match) and `label!` (none may match) filters. */
export function labelsPass(filters: Map<string, string[]>, labels: Record<string, string> | null | undefined): boolean {
  return (filters.get('label') ?? []).every((l) => hasLabel(labels, l)) && !(filters.get('label!') ?? []).some((l) => hasLabel(labels, l));
}
