/**
 * @module engine/containers/signals
 * Signal names as Docker accepts them (`SIGTERM`, `TERM`, `term`, `15`).
 */
import { constants } from 'node:os';
import { InvalidArgument } from '../../errdefs/index.js';

const byName = constants.signals as Record<string, number>;

export function parseSignal(s: string | number | undefined, dflt = 'SIGTERM'): number {
  if (typeof s === 'number') return s;
  const raw = (s ?? '').trim() || dflt;
  if (/^[0-9]+$/.test(raw)) {
    const n = Number(raw);
    if (n <= 0 || n > 64) throw new InvalidArgument(`Invalid signal: ${raw}`);
    return n;
  }
  const up = raw.toUpperCase();
  const name = up.startsWith('SIG') ? up : `SIG${up}`;
  const n = byName[name];
  if (n === undefined) throw new InvalidArgument(`Invalid signal: ${raw}`);
  return n;
}
