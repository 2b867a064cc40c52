/**
 * @module builder/plan/context-filter
 * A context's `.dockerignore`, as the builder's {@link ContextFilter}. It lives in plan/ because
 * plan/ is the only part of the builder that sees the Dockerfile frontend (dockerfile/), whose
 * pattern rules it applies.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { compilePatterns, DockerIgnore } from '../../dockerfile/index.js';
import type { ContextFilter } from '../context/dir-context.js';

/** The filter of `<root>/.dockerignore`; undefined when the file cannot be read. */
export async function readContextFilter(root: string): Promise<ContextFilter | undefined> {
  let ignore: DockerIgnore;
  try {
    ignore = DockerIgnore.fromText(await fs.readFile(join(root, '.dockerignore'), 'utf8'));
  } catch {
    return undefined;
  }
  return { excluded: (rel) => ignore.excludes(rel), mayReinclude: (rel) => !ignore.canSkipDir(rel) };
}

/** `COPY --exclude` patterns (.dockerignore syntax) as a predicate on relative paths. */
export function excludeMatcher(patterns: readonly string[]): (rel: string) => boolean {
  const ignore = new DockerIgnore(compilePatterns(patterns));
  return (rel) => ignore.excludes(rel);
}
