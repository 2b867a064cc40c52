/**
 * @module dockerfile/dockerignore
 * `.dockerignore` with Docker's semantics: one pattern per line, `#` comments, blank lines
 * ignored, patterns cleaned like Go's filepath.Clean with a leading `/` dropped, `!` exceptions
 * applied in order (the last matching pattern decides), `*` and `?` within one path element,
 * `**` across any number of them, `[a-z]` classes and `\` escapes.
 *
 * A path is excluded when it or one of its parent directories matches. The Dockerfile and
 * .dockerignore are always sent to the daemon even when excluded; the builder just does not
 * COPY them (that policy belongs to the caller).
 */
import { posix } from 'node:path';

export interface IgnorePattern {
  /** The cleaned pattern without its `!`. */
  pattern: string;
  exclusion: boolean;
  re: RegExp;
}

/** Parses the text of a .dockerignore file. */
export function parseDockerignore(text: string): IgnorePattern[] {
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const out: IgnorePattern[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let p = rawLine.trim();
    if (p === '' || p.startsWith('#')) continue;
    const exclusion = p.startsWith('!');
    if (exclusion) p = p.slice(1).trim();
    if (p.length > 0) {
      p = posix.normalize(p);
      if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
      if (p.startsWith('./') && p.length > 2) p = p.slice(2);
    }
    out.push({ pattern: p, exclusion, re: compile(p) });
  }
  return out;
}

/** A Docker ignore pattern as an anchored regular expression over slash-separated paths. */
export function compile(pattern: string): RegExp {
  let re = '^';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') i++;
        re += i + 1 >= chars.length ? '.*' : '(.*/)?';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '\\') {
      if (i + 1 < chars.length) re += '\\' + chars[++i]!;
      else re += '\\\\';
    } else if (ch === '[') {
      const end = chars.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let body = chars.slice(i + 1, end).join('');
        if (body.startsWith('^') || body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body}]`;
        i = end;
      }
    } else if ('.+()|{}$^]'.includes(ch)) re += '\\' + ch;
    else re += ch;
  }
  try {
    return new RegExp(re + '$', 's');
  } catch {
    // A malformed class: match it literally, as nothing else could.
    return new RegExp('^' + pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$', 's');
  }
}

export class DockerIgnore {
  readonly patterns: readonly IgnorePattern[];
  readonly #hasExclusions: boolean;

  constructor(patterns: readonly IgnorePattern[]) {
    this.patterns = patterns;
    this.#hasExclusions = patterns.some((p) => p.exclusion);
  }

  static fromText(text: string): DockerIgnore {
    return new DockerIgnore(parseDockerignore(text));
  }

  /** Whether a context-relative path (`a/b/c`, no leading `./`) is excluded. */
  excludes(path: string): boolean {
    const file = posix.normalize(path).replace(/^\.\//, '').replace(/\/$/, '');
    const parent = posix.dirname(file);
    const parentDirs = parent === '.' ? [] : parent.split('/');
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      let match = p.re.test(file);
      if (!match) {
        for (let i = 0; i < parentDirs.length; i++) {
          if (p.re.test(parentDirs.slice(0, i + 1).join('/'))) {
            match = true;
            break;
          }
        }
      }
      if (match) matched = !p.exclusion;
    }
    return matched;
  }

  /**
   * Whether a directory and everything below it can be skipped: it is excluded and no `!`
   * exception could re-include anything under it.
   */
  canSkipDir(dir: string): boolean {
    if (!this.excludes(dir)) return false;
    if (!this.#hasExclusions) return true;
    const dirSegs = dir.split('/');
    return !this.patterns.some((p) => p.exclusion && mayMatchUnder(p.pattern, dirSegs));
  }
}

function mayMatchUnder(pattern: string, dirSegs: string[]): boolean {
  const segs = pattern.split('/');
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (/[*?[\\]/.test(s)) return true;
    if (i >= dirSegs.length) return true;
    if (s !== dirSegs[i]) return false;
  }
  return true;
}
