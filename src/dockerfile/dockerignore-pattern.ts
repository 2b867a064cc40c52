/**
 * @module dockerfile/dockerignore-pattern
 * One `.dockerignore` pattern, matched as Docker's patternmatcher does: `*` is any run of
 * characters but `/`, `?` one character but `/`, `[a-z]`/`[^a-z]` a class, `\` escapes the
 * next character, `**` any number of path elements (even none), a leading `**` matches any
 * suffix and a trailing `**` any prefix. The syntax is checked as Go's filepath.Match checks it.
 */
import { InvalidArgument } from '../errdefs/index.js';

type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClassChar(s: string): string {
  return s.replace(/[\]\\^-]/g, '\\$&');
}

/** Throws InvalidArgument when `pattern` is not valid Go filepath.Match syntax. */
export function validatePattern(pattern: string): void {
  const bad = () => new InvalidArgument(`syntax error in pattern: ${pattern}`);
  const c = [...pattern];
  let i = 0;
  // Go's getEsc: one (possibly escaped) class character, which must not be the last.
  const esc = (): number => {
    if (i >= c.length || c[i] === '-' || c[i] === ']') throw bad();
    if (c[i] === '\\') {
      i++;
      if (i >= c.length) throw bad();
    }
    const cp = c[i]!.codePointAt(0)!;
    i++;
    if (i >= c.length) throw bad();
    return cp;
  };
  while (i < c.length) {
    const ch = c[i]!;
    if (ch === '\\') {
      if (i + 1 >= c.length) throw bad();
      i += 2;
    } else if (ch === '[') {
      i++;
      if (c[i] === '^') i++;
      for (let ranges = 0; ; ranges++) {
        if (c[i] === ']' && ranges > 0) {
          i++;
          break;
        }
        const lo = esc();
        if (c[i] === '-') {
          i++;
          // Go accepts a reversed range (it never matches); the regexp Docker builds does not.
          if (esc() < lo) throw bad();
        }
      }
    } else i++;
  }
}

/** A validated class starting at `c[i]` (`[`), as a RegExp class; returns it and the next index. */
function classToRegex(c: string[], i: number): [string, number] {
  let out = '[';
  i++;
  if (c[i] === '^') {
    out += '^';
    i++;
  }
  const char = (): string => {
    if (c[i] === '\\') i++;
    return escapeClassChar(c[i++]!);
  };
  for (let ranges = 0; ; ranges++) {
    if (c[i] === ']' && ranges > 0) return [out + ']', i + 1];
    out += char();
    if (c[i] === '-') {
      i++;
      out += '-' + char();
    }
  }
}

/** A compiled pattern (already cleaned, without its `!`). */
export class PathPattern {
  readonly pattern: string;
  readonly #type: MatchType;
  readonly #re?: RegExp;

  constructor(pattern: string) {
    validatePattern(pattern);
    this.pattern = pattern;
    const c = [...pattern];
    let re = '^';
    let type: MatchType = 'exact';
    for (let i = 0, step = 0; i < c.length; step++) {
      const ch = c[i++]!;
      if (ch === '*') {
        if (c[i] === '*') {
          i++;
          if (c[i] === '/') i++; // **/ is the same as **
          if (i >= c.length) {
            // A trailing ** accepts everything below, as .gitignore does.
            if (type === 'exact') type = 'prefix';
            else {
              re += '.*';
              type = 'regexp';
            }
          } else {
            re += '(.*/)?';
            type = 'regexp';
          }
          if (step === 0) type = 'suffix';
        } else {
          re += '[^/]*';
          type = 'regexp';
        }
      } else if (ch === '?') {
        re += '[^/]';
        type = 'regexp';
      } else if (ch === '\\') {
        re += escapeRegex(c[i++]!);
        type = 'regexp';
      } else if (ch === '[') {
        const [cls, next] = classToRegex(c, i - 1);
        re += cls;
        i = next;
        type = 'regexp';
      } else re += escapeRegex(ch);
    }
    this.#type = type;
    if (type === 'regexp') {
      try {
        this.#re = new RegExp(re + '$', 'su');
      } catch (e) {
        throw new InvalidArgument(`syntax error in pattern: ${pattern}`, { cause: e });
      }
    }
  }

  /** Whether the pattern matches a cleaned, slash-separated, relative path. */
  matches(path: string): boolean {
    switch (this.#type) {
      case 'exact':
        return path === this.pattern;
      case 'prefix':
        return path.startsWith(this.pattern.slice(0, -2));
      case 'suffix': {
        const suffix = this.pattern.slice(2);
        return path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
      }
      case 'regexp':
        return this.#re!.test(path);
    }
  }

  /**
   * Whether the pattern could match some path strictly below directory `dir` (conservative:
   * true when unsure).
   */
  mayMatchBelow(dir: string): boolean {
    const dirSegs = dir.split('/');
    if (this.#type === 'suffix') return true;
    if (this.#type === 'prefix') {
      const pre = this.pattern.slice(0, -2);
      return pre.startsWith(dir + '/') || (dir + '/').startsWith(pre);
    }
    if (this.pattern.includes('**') || this.pattern.includes('[')) return true;
    const segs = this.pattern.split('/');
    if (segs.length <= dirSegs.length) return false;
    return dirSegs.every((d, i) => new PathPattern(segs[i]!).matches(d));
  }
}
