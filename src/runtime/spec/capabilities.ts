/**
 * @module runtime/spec/capabilities
 * Docker's capability arithmetic (moby's TweakCapabilities): names are case-insensitive and may
 * omit `CAP_`; `--cap-add ALL` starts from every capability minus the drops; `--cap-drop ALL`
 * keeps only the adds; otherwise defaults minus drops plus adds. `--privileged` gets all.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from './defaults.js';

/**
 * Capabilities this kernel knows (index ≤ /proc/sys/kernel/cap_last_cap) and, when `bounding`
 * (the host's CapBnd mask) is given, that berthd itself may hand on.
 */
export function knownCapabilities(lastCap = ALL_CAPABILITIES.length - 1, bounding?: bigint): string[] {
  return ALL_CAPABILITIES.slice(0, lastCap + 1).filter((_, i) => bounding === undefined || (bounding & (1n << BigInt(i))) !== 0n);
}

function normalize(list: readonly string[], known: readonly string[], field: 'CapAdd' | 'CapDrop'): string[] {
  const out: string[] = [];
  for (const raw of list) {
    let c = raw.trim().toUpperCase();
    if (c === '') continue;
    if (c !== 'ALL' && !c.startsWith('CAP_')) c = `CAP_${c}`;
    if (c !== 'ALL' && !ALL_CAPABILITIES.includes(c)) throw new InvalidArgument(`invalid ${field}: unknown capability: "${c}"`);
    if (c !== 'ALL' && !known.includes(c)) continue;
    out.push(c);
  }
  return out;
}

export function effectiveCapabilities(opts: {
  privileged?: boolean;
  add?: readonly string[] | null;
  drop?: readonly string[] | null;
  lastCap?: number;
  bounding?: bigint;
}): string[] {
  const known = knownCapabilities(opts.lastCap, opts.bounding);
  if (opts.privileged) return [...known];
  const add = normalize(opts.add ?? [], known, 'CapAdd');
  const drop = normalize(opts.drop ?? [], known, 'CapDrop');
  let caps: string[];
  if (add.includes('ALL')) caps = known.filter((c) => !drop.includes(c));
  else if (drop.includes('ALL')) caps = add;
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c)), ...add];
  return [...new Set(caps)];
}
