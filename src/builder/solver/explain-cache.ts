/**
 * @module builder/solver/explain-cache
 * Says why each step missed the cache (builder/cache/miss-reason.ts has the kinds), as a
 * `cache-miss` event right after the step's cache probe, and remembers each step's inputs for
 * the next build to compare with.
 *
 * A *step slot* names "this step of this Dockerfile": the build's scope (the context directory
 * for a context on the daemon's host, else the URL or the tags), the Dockerfile's path, the
 * stage's index and the step's position in the stage. Its last inputs are kept in the cache
 * index beside the keys. Explaining costs one small read on a miss and one small write per
 * step; the classic output never shows it unless asked.
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../../image/digest.js';
import type { CacheKey, CacheKeyParts } from '../cache-key.js';
import { missReason, type StepInputs } from '../cache/miss-reason.js';
import { resolveSources, type SourceTree } from '../steps/copy-sources.js';
import type { BuildRun, StepEvent } from './step-context.js';

/** Most files remembered per step (a larger COPY is explained by its sources' checksums). */
export const MAX_FILES = 20_000;

/** Per stage: the last step that missed (later steps then miss because of it). */
export interface StageMisses {
  last?: number;
}

/** A step's cache probe outcome; on a miss emits the reason. Never throws. */
export type StepExplainer = (key: CacheKey, hit: boolean) => Promise<void>;

export function slotOf(scope: string, dockerfile: string, stage: number, position: string): Digest {
  return `sha256:${createHash('sha256').update(JSON.stringify(['slot/v1', scope, dockerfile, stage, position])).digest('hex')}`;
}

/** For COPY/ADD from the context: each source's files (context path → digest; '' a directory). */
export async function sourceFiles(tree: SourceTree, parts: CacheKeyParts): Promise<Record<string, Record<string, string>> | undefined> {
  if (!parts.sources.length || parts.extra.some(([k]) => k === 'from')) return undefined;
  const out: Record<string, Record<string, string>> = {};
  let count = 0;
  for (const s of parts.sources) {
    if (s.path.startsWith('<<') || /^[a-z][a-z0-9+.-]*:\/\//i.test(s.path)) continue;
    let resolved;
    try {
      resolved = resolveSources(tree, [s.path], { strict: true });
    } catch {
      continue;
    }
    const files: Record<string, string> = {};
    const visit = async (rel: string): Promise<void> => {
      const e = tree.lstat(rel);
      if (!e) return;
      if (++count > MAX_FILES) throw new RangeError('too many files');
      // Content digests, as `sha256sum` prints them (cached by stat for contexts read in place).
      if (e.type === 'file') files[rel] = await tree.fileDigest(e);
      else if (e.type === 'symlink') files[rel] = `symlink:${e.linkTarget ?? ''}`;
      else if (e.type === 'dir') {
        files[rel] = '';
        for (const n of tree.readdir(rel)) await visit(rel === '' ? n : `${rel}/${n}`);
      }
    };
    try {
      for (const r of resolved) await visit(r.rel);
    } catch {
      return undefined;
    }
    out[s.path] = files;
  }
  return out;
}

/** The explainer of one step. */
export function stepExplainer(
  run: BuildRun, stage: number, position: string, step: number, first: boolean, misses: StageMisses, emit: (e: StepEvent) => void,
): StepExplainer {
  return async (key, hit) => {
    const cache = run.backend.cache;
    if (!cache.lastInputs || !cache.rememberInputs) return;
    try {
      const slot = slotOf(run.explainScope ?? '', run.options.dockerfile, stage, position);
      const files = await sourceFiles(run.context, key.parts).catch(() => undefined);
      const now: StepInputs = { parts: key.parts, ...(files ? { files } : {}) };
      if (!hit) {
        const last = await cache.lastInputs(slot);
        const r = missReason(now, last, { noCache: run.options.noCache, earlierMiss: misses.last, first });
        emit({ kind: 'cache-miss', code: r.kind, reason: r.text });
        misses.last = step;
      }
      await cache.rememberInputs(slot, now);
    } catch {
      // Explaining is best effort: a build never fails because of it.
    }
  };
}
