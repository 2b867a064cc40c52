/**
 * @module dockerfile/shell-pattern
 * The shell patterns of `${v#pat}`, `${v##pat}`, `${v%pat}`, `${v%%pat}`, `${v/pat/repl}` and
 * `${v//pat/repl}` as BuildKit reads them: `*` is any string (shortest or longest match), `?`
 * one character (neither crosses a newline), `\` escapes `*`, `?` and `\` (and is dropped
 * before `}` and `/`); there are no bracket expressions. Matching runs on a small automaton,
 * in time proportional to value × pattern. Errors are InvalidArgument.
 */
import { InvalidArgument } from '../errdefs/index.js';
import { Nfa } from '../util/glob-nfa.js';

const notNewline = (c: string) => c !== '\n';

/** A shell pattern as an automaton. Throws InvalidArgument for a bad escape. */
export function compileShellPattern(pattern: string): Nfa {
  const chars = [...pattern];
  const nfa = new Nfa();
  let s = nfa.start;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') {
      nfa.loop(s, notNewline);
      continue;
    }
    if (ch === '?') {
      s = nfa.char(s, notNewline);
      continue;
    }
    let lit = ch;
    if (ch === '\\') {
      const next = chars[i + 1];
      // `}` and `/` are escaped only to get them through ${…}; the escape is not part of the pattern.
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') {
        throw new InvalidArgument(`invalid pattern (${pattern}) in substitution: invalid escape '\\${next ?? ''}'`);
      }
      lit = next;
      i++;
    }
    s = nfa.char(s, (c) => c === lit);
  }
  nfa.accept = s;
  return nfa;
}

/** `${v#pat}` / `${v##pat}`: removes the shortest (longest when greedy) matching prefix. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const chars = [...value];
  const ends = compileShellPattern(pattern).matchEnds(chars);
  if (ends.length === 0) return value;
  return chars.slice(greedy ? ends[ends.length - 1] : ends[0]).join('');
}

/** Reverses a pattern keeping each escape before the character it escapes (`a\*c` → `c\*a`). */
function reversePattern(pattern: string): string {
  const chars = [...pattern];
  const out: string[] = new Array<string>(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last; ) {
    const ch = chars[i]!;
    const at = last - i;
    if (ch === '\\' && i !== last) {
      out[at - 1] = ch;
      out[at] = chars[i + 1]!;
      i += 2;
    } else {
      out[at] = ch;
      i++;
    }
  }
  return out.join('');
}

function reverse(s: string): string {
  return [...s].reverse().join('');
}

/** `${v%pat}` / `${v%%pat}`: removes the shortest (longest when greedy) matching suffix. */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverse(trimPrefix(reversePattern(pattern), reverse(value), greedy));
}

/** Go's regexp template expansion for ReplaceAllString: `$$`, `$name`, `${name}` (only `0` exists). */
function expandTemplate(template: string, match: string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const rest = template.slice(i + 1);
    if (rest.startsWith('$')) {
      out += '$';
      i++;
      continue;
    }
    const m = /^(?:\{(\w+)\}|(\w+))/.exec(rest);
    if (!m) {
      out += '$';
      continue;
    }
    if ((m[1] ?? m[2]) === '0') out += match;
    i += m[0].length;
  }
  return out;
}

/**
 * `${v/pat/repl}` (first match, replacement taken literally) and `${v//pat/repl}` (every
 * match, with Go's `$` template expansion in the replacement and an empty match right after a
 * previous match skipped, as Go's ReplaceAllString does). Matches are leftmost, then longest.
 */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  const nfa = compileShellPattern(pattern);
  const chars = [...value];
  if (!all) {
    const m = nfa.leftmostLongest(chars);
    if (!m) return value;
    return chars.slice(0, m[0]).join('') + replacement + chars.slice(m[1]).join('');
  }
  let out = '';
  let lastEnd = 0;
  for (let pos = 0; pos <= chars.length; ) {
    const m = nfa.leftmostLongest(chars, pos);
    if (!m) break;
    out += chars.slice(lastEnd, m[0]).join('');
    if (m[1] > lastEnd || m[0] === 0) out += expandTemplate(replacement, chars.slice(m[0], m[1]).join(''));
    lastEnd = m[1];
    pos = Math.max(pos + 1, m[1]);
  }
  return out + chars.slice(lastEnd).join('');
}
