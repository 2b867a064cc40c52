/**
 * @module dockerfile/instructions/duration
 * Go's time.ParseDuration (`30s`, `1m30s`, `500ms`, `1.5h`), in nanoseconds, for HEALTHCHECK.
 */
import { InvalidArgument } from '../../errdefs/index.js';

const unitNs: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

export function parseDuration(s: string): number {
  if (s === '0') return 0;
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '') throw new InvalidArgument(`time: invalid duration "${s}"`);
  let total = 0;
  const re = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest.length) {
    const m = re.exec(rest);
    if (!m) {
      if (/^(\d+\.?\d*|\.\d+)$/.test(rest)) throw new InvalidArgument(`time: missing unit in duration "${s}"`);
      throw new InvalidArgument(`time: invalid duration "${s}"`);
    }
    total += Number(m[1]) * unitNs[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return Math.round(sign * total);
}
