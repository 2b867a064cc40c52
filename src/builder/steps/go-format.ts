/**
 * @module builder/steps/go-format
 * The bits of Go's fmt that Docker's history texts are made of: `%q` of strings and string
 * slices, `%q` of an int (a quoted rune), `%v` of a string slice, and time.Duration's String.
 */

import { goQuote } from '../../util/go-quote.js';

export { goQuote };

/** `%q` of a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[] | null | undefined): string {
  return `[${(list ?? []).map(goQuote).join(' ')}]`;
}

/** `%v` of a []string: `[a b]`. */
export function goList(list: readonly string[] | null | undefined): string {
  return `[${(list ?? []).join(' ')}]`;
}

/** `%q` of an int: a single-quoted rune (`'\x00'`, `'\x03'`, `'A'`). */
export function goQuoteRune(n: number): string {
  if (n === 0x27) return "'\\''";
  if (n === 0x5c) return "'\\\\'";
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
  if (named[n]) return `'${named[n]}'`;
  if (n < 0x20 || n === 0x7f) return `'\\x${n.toString(16).padStart(2, '0')}'`;
  if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return "'\\ufffd'";
  return `'${String.fromCodePoint(n)}'`;
}

/** time.Duration(ns).String(): "0s", "5s", "1m30s", "1.5s", "100ms", "2h0m0s". */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(ns);
  const sign = neg ? '-' : '';
  const frac = (v: number, digits: number): string => {
    // v in units of 10^-digits; trailing zeros trimmed.
    const whole = Math.floor(v / 10 ** digits);
    const f = String(v % 10 ** digits).padStart(digits, '0').replace(/0+$/, '');
    return f ? `${whole}.${f}` : String(whole);
  };
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${frac(u, 3)}µs`;
  if (u < 1e9) return `${sign}${frac(u, 6)}ms`;
  let out = '';
  const h = Math.floor(u / 3.6e12);
  u -= h * 3.6e12;
  const m = Math.floor(u / 6e10);
  u -= m * 6e10;
  const s = frac(u, 9) + 's';
  if (h > 0) out = `${h}h${m}m${s}`;
  else if (m > 0) out = `${m}m${s}`;
  else out = s;
  return sign + out;
}
