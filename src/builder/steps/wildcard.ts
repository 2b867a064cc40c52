/**
 * @module builder/steps/wildcard
 * Go's `filepath.Match` for one path component, as Docker matches COPY/ADD source patterns:
 * `*` any run of characters, `?` one character, `[a-z]` / `[^a-z]` classes, `\` escapes.
 * No pattern character ever matches `/`.
 */
import { InvalidArgument } from '../../errdefs/index.js';

/** Whether a source contains pattern characters (escaped ones excepted). */
export function hasWildcards(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** Compiles one component pattern; InvalidArgument (`syntax error in pattern`) when malformed. */
export function compileComponent(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) throw new InvalidArgument('syntax error in pattern');
      re += escapeRe(pattern[++i]!);
    } else if (c === '[') {
      let j = i + 1;
      let cls = '[';
      if (pattern[j] === '^') {
        cls += '^';
        j++;
      }
      let first = true;
      for (;;) {
        if (j >= pattern.length) throw new InvalidArgument('syntax error in pattern');
        const d = pattern[j]!;
        if (d === ']' && !first) break;
        first = false;
        if (d === '\\') {
          j++;
          if (j >= pattern.length) throw new InvalidArgument('syntax error in pattern');
          cls += escapeRe(pattern[j]!);
        } else if (d === '-') cls += '-';
        else cls += escapeRe(d);
        j++;
      }
      re += cls + ']';
      i = j;
    } else re += escapeRe(c);
  }
  return new RegExp(re + '$', 'su');
}

/** Removes pattern escapes from a component without wildcards. */
export function unescapeComponent(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}
