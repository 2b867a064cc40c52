/**
 * @module util/log-time
 * Times of Docker's json-file log records: RFC 3339 with nanoseconds, as bigint nanoseconds
 * since the epoch (the runtime reads the log; the API prints `timestamps`). Pure.
 */

/** RFC 3339 time with any number of fraction digits → ns since the epoch. */
export function parseLogTime(t: string): bigint {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return 0n;
  const secs = BigInt(Date.parse(m[1]! + m[3]!)) / 1000n;
  return secs * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** Docker's RFC3339NanoFixed (always 9 fraction digits), for `timestamps`. */
export function formatLogTime(ns: bigint): string {
  const secs = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(Number(secs) * 1000).toISOString().slice(0, 19) + `.${frac}Z`;
}
