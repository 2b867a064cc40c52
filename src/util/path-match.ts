/**
 * @module util/path-match
 * Go's path.Match, which Docker uses for COPY/ADD source patterns (one path element at a time)
 * and for the `reference` filter of image lists: `*` any run of characters but `/`, `?` one
 * character but `/`, `[a-z]` / `[^a-z]` a class of characters (ranges of code points), `\`
 * escapes the next character. A malformed pattern is an error (Go's ErrBadPattern, "syntax
 * error in pattern"), even where the text would not reach it. Patterns run on the automaton of
 * util/glob-nfa.ts, never as RegExps, so no pattern text can be mistaken for RegExp syntax.
 */
import { InvalidArgument } from '../errdefs/index.js';
import { Nfa } from './glob-nfa.js';

/** Go's path.ErrBadPattern. */
export class BadPatternError extends InvalidArgument {
  constructor() {
    super('syntax error in pattern');
  }
}

/**
 * Throws {@link BadPatternError} unless `pattern` is valid path.Match syntax.
 * `rejectReversedRanges`: also reject `[z-a]`, which Go accepts (it never matches) but the
 * RegExp Docker builds for `.dockerignore` does not.
 */
export function validatePattern(pattern: string, opts: { rejectReversedRanges?: boolean } = {}): void {
  const c = [...pattern];
  let i = 0;
  // Go's getEsc: one (possibly escaped) class character, which must not be the last.
  const esc = (): number => {
    if (i >= c.length || c[i] === '-' || c[i] === ']') throw new BadPatternError();
    if (c[i] === '\\') {
      i++;
      if (i >= c.length) throw new BadPatternError();
    }
    const cp = c[i]!.codePointAt(0)!;
    i++;
    if (i >= c.length) throw new BadPatternError();
    return cp;
  };
  while (i < c.length) {
    const ch = c[i]!;
    if (ch === '\\') {
      if (i + 1 >= c.length) throw new BadPatternError();
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
          if (esc() < lo && opts.rejectReversedRanges) throw new BadPatternError();
        }
      }
    } else i++;
  }
}

/** A validated class starting at `c[i]` (`[`), as a test; returns it and the index after `]`. */
export function classTest(c: readonly string[], i: number): [(ch: string) => boolean, number] {
  i++;
  const negated = c[i] === '^';
  if (negated) i++;
  const ranges: [number, number][] = [];
  const char = (): number => {
    if (c[i] === '\\') i++;
    return c[i++]!.codePointAt(0)!;
  };
  for (;;) {
    if (c[i] === ']' && ranges.length > 0) break;
    const lo = char();
    let hi = lo;
    if (c[i] === '-') {
      i++;
      hi = char();
    }
    ranges.push([lo, hi]);
  }
  const test = (ch: string) => {
    const cp = ch.codePointAt(0)!;
    return ranges.some(([lo, hi]) => lo <= cp && cp <= hi) !== negated;
  };
  return [test, i + 1];
}

const notSlash = (ch: string) => ch !== '/';

/**
 * Adds the one pattern element at `c[i]` of a validated pattern (`*`, `?`, a class, an
 * escaped or a plain character) to `nfa` after state `s`; returns the state after it and the
 * index of the next element.
 */
export function addPatternElement(nfa: Nfa, s: number, c: readonly string[], i: number): [number, number] {
  const ch = c[i++]!;
  if (ch === '*') {
    // A fresh state keeps this loop apart from earlier ones.
    const t = nfa.state();
    nfa.epsilon(s, t);
    nfa.loop(t, notSlash);
    return [t, i];
  }
  if (ch === '?') return [nfa.char(s, notSlash), i];
  if (ch === '[') {
    const [test, next] = classTest(c, i - 1);
    return [nfa.char(s, test), next];
  }
  const lit = ch === '\\' ? c[i++]! : ch;
  return [nfa.char(s, (x) => x === lit), i];
}

/** A compiled path.Match pattern. */
export class PathMatcher {
  readonly pattern: string;
  readonly #nfa: Nfa;

  /** Throws {@link BadPatternError} when the pattern is malformed. */
  constructor(pattern: string) {
    validatePattern(pattern);
    this.pattern = pattern;
    this.#nfa = new Nfa();
    const elements = [...pattern];
    let state = this.#nfa.start;
    for (let i = 0; i < elements.length; ) [state, i] = addPatternElement(this.#nfa, state, elements, i);
    this.#nfa.accept = state;
  }

  /** Whether the whole of `name` matches. */
  matches(name: string): boolean {
    return this.#nfa.matches([...name]);
  }
}

/** Go's path.Match(pattern, name) (a malformed pattern throws {@link BadPatternError}). */
export function pathMatch(pattern: string, name: string): boolean {
  return new PathMatcher(pattern).matches(name);
}

/** Whether `s` contains pattern characters (escaped ones excepted): Docker's containsWildcards. */
export function hasWildcards(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** Removes the escapes from a pattern without wildcards, giving the name it stands for. */
export function unescapePattern(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}
