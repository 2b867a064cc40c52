/**
 * @module builder/cache-key
 * The one place cache keys are computed. A step's key is a hash of everything that decides its
 * result: the image it starts from, its instruction after expansion, the build args it uses,
 * for COPY/ADD the content checksums of its sources (data, mode, owner, path; never mtimes),
 * and the container config it produces (which also carries state no instruction shows, such as
 * whether a CMD was set earlier in the stage).
 *
 * The parts are kept next to the digest, so a miss can be explained later by comparing the
 * parts of the wanted key with those of the nearest stored one ({@link diffKeyParts}).
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../image/digest.js';

/** Everything a step's result depends on. */
export interface CacheKeyParts {
  /** The image the step starts from; '' for `FROM scratch`. */
  parent: string;
  /** The instruction after expansion, normalized (`RUN /bin/sh -c make`, `COPY --chown=1:1 a b /dst/`). */
  instruction: string;
  /** Build args the step uses, as [name, value] sorted by name. */
  args: [string, string][];
  /** COPY/ADD: each source as written (after expansion) with the checksum of what it matched. */
  sources: { path: string; checksum: string }[];
  /** Digest of the container config the step produces. */
  config: string;
  /** Other inputs (the image a `--from` names, a downloaded URL's checksum), as [name, value]. */
  extra: [string, string][];
}

export interface CacheKey {
  digest: Digest;
  parts: CacheKeyParts;
}

/** Which part of a key differs, for explaining a miss. */
export type KeyPartName = keyof CacheKeyParts;

function sortPairs(pairs: readonly [string, string][]): [string, string][] {
  return [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The parts in canonical form: pairs sorted by name; sources keep their order (it matters). */
export function normalizeKeyParts(p: CacheKeyParts): CacheKeyParts {
  return {
    parent: p.parent,
    instruction: p.instruction,
    args: sortPairs(p.args),
    sources: p.sources.map((s) => ({ path: s.path, checksum: s.checksum })),
    config: p.config,
    extra: sortPairs(p.extra),
  };
}

/** Computes a step's cache key. Equal parts always give equal digests. */
export function cacheKey(parts: CacheKeyParts): CacheKey {
  const n = normalizeKeyParts(parts);
  const h = createHash('sha256');
  // Length-prefixed fields: no value can be mistaken for a separator.
  const field = (name: string, value: string) => {
    const b = Buffer.from(value, 'utf8');
    h.update(`${name}:${b.length}:`);
    h.update(b);
    h.update('\n');
  };
  field('v', '1');
  field('parent', n.parent);
  field('instruction', n.instruction);
  for (const [k, v] of n.args) field(`arg ${k}`, v);
  for (const s of n.sources) field(`source ${s.path}`, s.checksum);
  field('config', n.config);
  for (const [k, v] of n.extra) field(`extra ${k}`, v);
  return { digest: `sha256:${h.digest('hex')}`, parts: n };
}

/** The digest of a container config, as a key part (the caller gives canonical JSON bytes). */
export function configDigest(canonicalJson: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(canonicalJson).digest('hex')}`;
}

/** The names of the parts in which two keys differ (empty when they are equal). */
export function diffKeyParts(a: CacheKeyParts, b: CacheKeyParts): KeyPartName[] {
  const x = normalizeKeyParts(a);
  const y = normalizeKeyParts(b);
  const out: KeyPartName[] = [];
  for (const k of ['parent', 'instruction', 'args', 'sources', 'config', 'extra'] as const) {
    if (JSON.stringify(x[k]) !== JSON.stringify(y[k])) out.push(k);
  }
  return out;
}
