/**
 * @module dockerfile/instructions/duration
 * Go's time.ParseDuration (`30s`, `1m30s`, `500ms`, `1.5h`, `-2s`, `0`), in nanoseconds, with
 * Go's error words.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { goQuote } from '../go-text.js';

const unitNs: Readonly<Record<string, number>> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};

/** Parses a Go duration into nanoseconds. Throws InvalidArgument. */
export function parseDuration(s: string): number {
  const invalid = () => new InvalidArgument(`time: invalid duration ${goQuote(s)}`);
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let total = 0;
  while (rest.length) {
    const num = /^([0-9]*)(?:\.([0-9]*))?/.exec(rest)!;
    if (num[0] === '' || num[0] === '.') throw invalid();
    rest = rest.slice(num[0].length);
    const unit = /^[^0-9.]+/.exec(rest)?.[0];
    if (unit === undefined) throw new InvalidArgument(`time: missing unit in duration ${goQuote(s)}`);
    const mult = unitNs[unit];
    if (mult === undefined) throw new InvalidArgument(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(s)}`);
    rest = rest.slice(unit.length);
    total += Number(`${num[1] || '0'}.${num[2] || '0'}`) * mult;
    // Past int64 (Go's limit, 2^63 - 1 ns, which a double holds only as 2^63).
    if (total > 2 ** 63) throw invalid();
  }
  return Math.round(sign * total);
}
