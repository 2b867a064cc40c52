/**
 * @module dockerfile/dockerignore-pattern
 * One `.dockerignore` pattern, matched as Docker's patternmatcher does: `*` is any run of
 * characters but `/`, `?` one character but `/`, `[a-z]`/`[^a-z]` a class, `\` escapes the
 * next character, `**` any number of path elements (even none), a leading `**` matches any
 * suffix and a trailing `**` any prefix. The syntax is checked as Go's filepath.Match checks it.
 */
import { InvalidArgument } from '../errdefs/index.js';
import { Nfa } from '../util/glob-nfa.js';
import { BadPatternError, addPatternElement, validatePattern as validatePathPattern } from '../util/path-match.js';

type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

/** Throws InvalidArgument when `pattern` is not valid Go filepath.Match syntax. */
export function validatePattern(pattern: string): void {
  try {
    validatePathPattern(pattern, { rejectReversedRanges: true });
  } catch (e) {
    if (e instanceof BadPatternError) throw new InvalidArgument(`syntax error in pattern: ${pattern}`, { cause: e });
    throw e;
  }
}

const notNewline = (ch: string) => ch !== '\n';

/** A compiled pattern (already cleaned, without its `!`). */
export class PathPattern {
  readonly pattern: string;
  readonly #type: MatchType;
  readonly #nfa?: Nfa;

  constructor(pattern: string) {
    validatePattern(pattern);
    this.pattern = pattern;
    const c = [...pattern];
    const nfa = new Nfa();
    let s = nfa.start;
    let type: MatchType = 'exact';
    for (let i = 0, step = 0; i < c.length; step++) {
      if (c[i] === '*' && c[i + 1] === '*') {
        i += 2;
        if (c[i] === '/') i++; // **/ is the same as **
        if (i >= c.length) {
          // A trailing ** accepts everything below, as .gitignore does.
          if (type === 'exact') type = 'prefix';
          else {
            nfa.loop(s, notNewline);
            type = 'regexp';
          }
        } else {
          // Any number of leading path elements, even none: (.*/)?
          const next = nfa.state();
          const any = nfa.state();
          nfa.epsilon(s, next);
          nfa.epsilon(s, any);
          nfa.loop(any, notNewline);
          nfa.edge(any, next, (x) => x === '/');
          s = next;
          type = 'regexp';
        }
        if (step === 0) type = 'suffix';
        continue;
      }
      // Anything but a plain character needs the automaton.
      if ('*?\\['.includes(c[i]!)) type = 'regexp';
      [s, i] = addPatternElement(nfa, s, c, i);
    }
    nfa.accept = s;
    this.#type = type;
    if (type === 'regexp') this.#nfa = nfa;
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
        return this.#nfa!.matches([...path]);
    }
  }

  /**
   * Whether the pattern matches `path` or one of its parent directories (Docker's
   * MatchesOrParentMatches for one pattern), in one pass over the path.
   */
  matchesSelfOrParent(path: string): boolean {
    switch (this.#type) {
      case 'exact':
        return path === this.pattern || path.startsWith(this.pattern + '/');
      case 'prefix':
        // A parent starting with the prefix means the path does too.
        return path.startsWith(this.pattern.slice(0, -2));
      case 'suffix': {
        if (this.matches(path)) return true;
        for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) if (this.matches(path.slice(0, i))) return true;
        return false;
      }
      case 'regexp': {
        const chars = [...path];
        // Every accepted prefix that ends right before a `/` is a parent directory.
        return this.#nfa!.matchEnds(chars).some((e) => e === chars.length || chars[e] === '/');
      }
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
