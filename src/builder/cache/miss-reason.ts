/**
 * @module builder/cache/miss-reason
 * Why a step missed the cache, in one line. The builder remembers, per *step slot* (the same
 * step of the same Dockerfile in the same context: see solver/explain-cache.ts), the inputs
 * its last build had: the cache key's parts and, for COPY/ADD from the context, the digest of
 * every file its sources matched. A miss compares the step's inputs now with those.
 *
 * The kinds, in the order they are tried (the first that applies is the reason):
 * - `no-cache`: the build asked for none;
 * - `parent`: an earlier step of the stage missed, so this one starts from a new image;
 * - `new`: no build of this step is remembered;
 * - `parent` also when the image the step starts from changed with no miss before it (a new
 *   base image, or an earlier step hit another cached image than last time);
 * - `file`: a file the sources match was changed, added or removed (the first such, by path);
 * - `source`: a source's checksum changed where the files are not known (`--from`, too many);
 * - `arg`: a build arg the step uses changed, was set or was unset;
 * - `instruction`: the instruction itself (after expansion) changed;
 * - `input`: another input changed (`--from` image, RUN `--network`, a URL's content);
 * - `config`: the config the step produces changed (earlier ENV, USER, SHELL, …);
 * - `removed`: every input is as before, but its cached image is gone (removed, pruned, or
 *   the last build failed at this step).
 */
import type { CacheMissCode } from '../../api/types/build.js';
import type { CacheKeyParts } from '../cache-key.js';

export type MissKind = CacheMissCode;

/** What a step's last build is remembered by. */
export interface StepInputs {
  parts: CacheKeyParts;
  /** COPY/ADD from the context: for each source as written, context path → content digest ('' for a directory). */
  files?: Record<string, Record<string, string>>;
}

export interface MissFacts {
  noCache: boolean;
  /** The step number of the last step of this stage that missed before this one. */
  earlierMiss?: number;
  /** The step is the first of its stage after FROM (and its triggers). */
  first: boolean;
}

export interface MissReason {
  kind: MissKind;
  /** The line after `CACHE MISS: `. */
  text: string;
}

/** Docker's short digest for messages: `sha256 3f2a…`. */
function short(d: string): string {
  const hex = d.replace(/^(sha256:|file:|dir:)/, '');
  return `${hex.slice(0, 4)}…`;
}

function q(v: string): string {
  return v.length > 40 ? `${v.slice(0, 37)}…` : v;
}

function fileChange(now: Record<string, Record<string, string>>, last: Record<string, Record<string, string>>): string | undefined {
  for (const src of Object.keys(now).sort()) {
    const a = last[src];
    const b = now[src]!;
    if (!a) continue;
    const paths = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const p of paths) {
      const x = a[p];
      const y = b[p];
      if (x === y) continue;
      if (x === undefined) return `file ${p} added`;
      if (y === undefined) return `file ${p} removed`;
      if (x === '' || y === '') return `file ${p} changed type`;
      return `file ${p} changed (sha256 ${short(x)} → ${short(y)})`;
    }
  }
  return undefined;
}

/** The first key (in sorted order) whose value differs between two lists of pairs, described. */
function firstChange(now: [string, string][], last: [string, string][], describe: (k: string, was?: string, is?: string) => string): string | undefined {
  const a = new Map(last);
  const b = new Map(now);
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (a.get(k) !== b.get(k)) return describe(k, a.get(k), b.get(k));
  }
  return undefined;
}

function argChange(now: [string, string][], last: [string, string][]): string | undefined {
  return firstChange(now, last, (k, x, y) => {
    if (x === undefined) return `build arg ${k} set (${q(y!)})`;
    if (y === undefined) return `build arg ${k} unset (was ${q(x)})`;
    return `build arg ${k} changed (${q(x)} → ${q(y)})`;
  });
}

function pairChange(now: [string, string][], last: [string, string][]): string | undefined {
  const show = (v: string | undefined) => (v === undefined ? 'none' : /^sha256:/.test(v) ? short(v) : q(v));
  return firstChange(now, last, (k, x, y) => `${k} changed (${show(x)} → ${show(y)})`);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The reason a step with inputs `now` missed, given its last remembered inputs. */
export function missReason(now: StepInputs, last: StepInputs | undefined, facts: MissFacts): MissReason {
  if (facts.noCache) return { kind: 'no-cache', text: '--no-cache' };
  if (facts.earlierMiss !== undefined) return { kind: 'parent', text: `parent changed (step ${facts.earlierMiss} missed)` };
  if (!last) return { kind: 'new', text: 'no earlier build of this step' };
  const n = now.parts;
  const l = last.parts;
  if (n.parent !== l.parent) {
    return { kind: 'parent', text: facts.first ? 'parent changed (base image changed)' : 'parent changed (an earlier step used another cached image)' };
  }
  const samePaths = same(n.sources.map((s) => s.path), l.sources.map((s) => s.path));
  if (samePaths && !same(n.sources, l.sources)) {
    const f = now.files && last.files ? fileChange(now.files, last.files) : undefined;
    if (f) return { kind: 'file', text: f };
    const i = n.sources.findIndex((s, k) => s.checksum !== l.sources[k]!.checksum);
    const s = n.sources[i]!;
    return { kind: 'source', text: `source ${s.path} changed (sha256 ${short(l.sources[i]!.checksum)} → ${short(s.checksum)})` };
  }
  const arg = argChange(n.args, l.args);
  if (arg) return { kind: 'arg', text: arg };
  if (!samePaths || n.instruction !== l.instruction) return { kind: 'instruction', text: 'instruction changed' };
  const input = pairChange(n.extra, l.extra);
  if (input) return { kind: 'input', text: input };
  if (n.config !== l.config) return { kind: 'config', text: 'config changed (an earlier ENV, USER, SHELL, … of this stage)' };
  return { kind: 'removed', text: 'cached result gone (image removed, or the last build of this step failed)' };
}
