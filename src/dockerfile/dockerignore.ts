/**
 * @module dockerfile/dockerignore
 * `.dockerignore` with Docker's semantics.
 *
 * Reading (`parseDockerignore`): a UTF-8 BOM is dropped; a line starting with `#` is a comment;
 * blank lines are skipped; each pattern is trimmed, cleaned like Go's filepath.Clean, and loses
 * a leading `/` (`/a` and `a` are the same); `!` makes an exception (re-includes).
 *
 * Matching (`DockerIgnore.excludes`): patterns apply in order and the last one that matches
 * decides. A path is excluded when it *or one of its parent directories* matches, so `dir`
 * excludes `dir/a/b`, and `!dir/keep` after it re-includes `dir/keep` (and everything in it).
 * `canSkipDir` tells a context walker that nothing below an excluded directory can come back.
 *
 * The Dockerfile and `.dockerignore` themselves: when the patterns exclude them, the docker CLI
 * still sends them (it adds `!Dockerfile` and `!.dockerignore`; see
 * `trimBuildFilesFromExcludes`) so the daemon can read them, and the daemon then removes them
 * from the context, so COPY never sees them (`buildFilesToHide`). This module only answers
 * questions; that policy is the caller's.
 */
import { InvalidArgument } from '../errdefs/index.js';
import { PathPattern } from './dockerignore-pattern.js';
import { trimSpace } from './go-text.js';
import { cleanPath } from '../util/go-path.js';

export interface IgnorePattern {
  /** The cleaned pattern, without `!`. */
  pattern: string;
  /** A `!` exception: re-includes what it matches. */
  exclusion: boolean;
}

/** The patterns of a `.dockerignore` text, in order, as strings (exceptions keep their `!`). */
export function readDockerignore(text: string): string[] {
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const out: string[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let line of lines) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.startsWith('#')) continue;
    let p = trimSpace(line);
    if (p === '') continue;
    const invert = p.startsWith('!');
    if (invert) p = trimSpace(p.slice(1));
    if (p.length > 0) {
      p = cleanPath(p);
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
    }
    out.push(invert ? '!' + p : p);
  }
  return out;
}

/** Pattern strings (as `readDockerignore` gives them) → checked patterns. Throws InvalidArgument. */
export function compilePatterns(patterns: readonly string[]): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const raw of patterns) {
    let p = trimSpace(raw);
    if (p === '') continue;
    p = cleanPath(p);
    const exclusion = p.startsWith('!');
    if (exclusion) {
      if (p.length === 1) throw new InvalidArgument('illegal exclusion pattern: "!"');
      p = p.slice(1);
    }
    out.push({ pattern: p, exclusion });
  }
  return out;
}

/** Parses a `.dockerignore` text. Throws InvalidArgument for a malformed pattern. */
export function parseDockerignore(text: string): IgnorePattern[] {
  return compilePatterns(readDockerignore(text));
}

/** Normalizes a context path: `./a//b/` → `a/b`; the context root is `.`. */
function normalize(path: string): string {
  const p = cleanPath(path);
  return p.startsWith('/') ? cleanPath(p.slice(1)) : p;
}

/** Answers, for paths relative to the build context, whether `.dockerignore` excludes them. */
export class DockerIgnore {
  readonly patterns: readonly IgnorePattern[];
  readonly #compiled: { p: PathPattern; exclusion: boolean }[];
  /** Whether any pattern is a `!` exception. */
  readonly hasExceptions: boolean;

  constructor(patterns: readonly IgnorePattern[]) {
    this.patterns = patterns;
    this.#compiled = patterns.map((p) => ({ p: new PathPattern(p.pattern), exclusion: p.exclusion }));
    this.hasExceptions = patterns.some((p) => p.exclusion);
  }

  static fromText(text: string): DockerIgnore {
    return new DockerIgnore(parseDockerignore(text));
  }

  /** Whether `path` (`a/b/c`, slash-separated, relative to the context) is excluded. */
  excludes(path: string): boolean {
    const file = normalize(path);
    if (file === '.') return false; // the context itself is never excluded
    let matched = false;
    for (const { p, exclusion } of this.#compiled) {
      // Only an exception can change an excluded path, and only a pattern an included one.
      if (exclusion !== matched) continue;
      if (p.matchesSelfOrParent(file)) matched = !exclusion;
    }
    return matched;
  }

  /** Whether `path` is sent to the builder (the opposite of `excludes`). */
  includes(path: string): boolean {
    return !this.excludes(path);
  }

  /**
   * Whether directory `dir` and everything below it can be skipped: it is excluded and no `!`
   * exception could re-include anything under it.
   */
  canSkipDir(dir: string): boolean {
    const d = normalize(dir);
    if (!this.excludes(d)) return false;
    return !this.#compiled.some(({ p, exclusion }) => exclusion && p.mayMatchBelow(d));
  }

  /**
   * Which of `.dockerignore` and the Dockerfile these patterns exclude: the daemon receives
   * them anyway but removes them from the context, so the builder must not COPY them.
   */
  buildFilesToHide(dockerfile = 'Dockerfile'): string[] {
    return ['.dockerignore', dockerfile].filter((f) => this.excludes(f));
  }
}

/**
 * The docker CLI's adjustment before sending a context: when the patterns exclude
 * `.dockerignore` or the Dockerfile, exceptions are appended so both are still sent.
 */
export function trimBuildFilesFromExcludes(patterns: readonly string[], dockerfile = 'Dockerfile'): string[] {
  const out = [...patterns];
  const m = new DockerIgnore(compilePatterns(patterns));
  if (m.excludes('.dockerignore')) out.push('!.dockerignore');
  const df = normalize(dockerfile);
  if (m.excludes(df)) out.push('!' + df);
  return out;
}
