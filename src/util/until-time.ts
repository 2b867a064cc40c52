/**
 * @module util/until-time
 * The `until` prune filter as dockerd reads it: a duration before now (`10m`, `1h30m`), RFC 3339,
 * or unix seconds; milliseconds since the epoch.
 */
import { InvalidArgument } from '../errdefs/index.js';

export function untilTime(v: string, now = Date.now()): number {
  const d = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (d && v) return now - (Number(d[1] ?? 0) * 3600 + Number(d[2] ?? 0) * 60 + Number(d[3] ?? 0)) * 1000;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgument(`Invalid filter 'until=${v}'`);
  return t;
}
