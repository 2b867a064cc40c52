/**
 * @module builder/steps/copy-select
 * BuildKit's `COPY --parents` and `COPY/ADD --exclude`, as small pure helpers for copy.ts.
 *
 * - `--parents`: each source keeps its path from the context root (or from the *pivot*, a `/./`
 *   in the source as written: `COPY --parents ./src/./app/*.go /dst/` gives `/dst/app/x.go`)
 *   under the destination.
 * - `--exclude=PATTERN` (repeatable, .dockerignore syntax): a matched source whose path (from
 *   the root) or name matches is skipped; inside a directory source, an entry whose path below
 *   that directory matches is skipped with everything under it.
 */
import { posix } from 'node:path';
import type { ContextEntry } from '../types.js';
import type { SourceTree } from './copy-sources.js';

/** The path a source keeps under the destination with `--parents` (matched path from the root). */
export function parentsPath(raw: string, matched: string): string {
  const norm = (p: string) => posix.normalize(`/${p}`).slice(1).replace(/\/$/, '');
  const body = raw.replace(/^\/+/, '').replace(/^(\.\/)+/, '');
  const pivot = body.indexOf('/./');
  if (pivot < 0) return norm(matched);
  const prefix = norm(body.slice(0, pivot));
  const m = norm(matched);
  if (prefix === '' || prefix === '.') return m;
  return m === prefix ? '' : m.startsWith(`${prefix}/`) ? m.slice(prefix.length + 1) : m;
}

/** A view of `tree` without the entries below `root` that `excluded` matches (paths relative to `root`). */
export function excludingTree(tree: SourceTree, root: string, excluded: (rel: string) => boolean): SourceTree {
  const inside = (rel: string): string | undefined => {
    if (root === '') return rel;
    if (rel === root) return '';
    return rel.startsWith(`${root}/`) ? rel.slice(root.length + 1) : undefined;
  };
  const hidden = (rel: string): boolean => {
    const i = inside(rel);
    if (i === undefined || i === '') return false;
    // An excluded directory hides everything under it.
    const parts = i.split('/');
    for (let n = 1; n <= parts.length; n++) if (excluded(parts.slice(0, n).join('/'))) return true;
    return false;
  };
  return {
    root: tree.root,
    lstat: (rel: string): ContextEntry | undefined => (hidden(rel) ? undefined : tree.lstat(rel)),
    readdir: (rel: string) => tree.readdir(rel).filter((n) => !hidden(rel === '' ? n : `${rel}/${n}`)),
    fileDigest: (e: ContextEntry) => tree.fileDigest(e),
  };
}
