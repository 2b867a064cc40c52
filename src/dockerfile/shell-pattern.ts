/**
 * @module dockerfile/shell-pattern
 * The shell patterns of `${v#pat}`, `${v##pat}`, `${v%pat}`, `${v%%pat}`, `${v/pat/repl}` and
 * `${v//pat/repl}` as BuildKit reads them: `*` is any string (shortest or longest match), `?`
 * one character, `\` escapes `*`, `?` and `\` (and is dropped before `}` and `/`); there are no
 * bracket expressions. Errors are InvalidArgument; callers add the word being expanded.
 */
import { InvalidArgument } from '../errdefs/index.js';

/** Characters that are literal in a shell pattern but special in a regular expression. */
const regexSpecial = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);

/** A shell pattern as a RegExp source ('u' flag); `anchored` matches at the start only. */
export function patternToRegex(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const chars = [...pattern];
  let out = anchored ? '^' : '';
  // Go's `.` matches anything but a newline.
  const star = greedy ? '[^\\n]*' : '[^\\n]*?';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    switch (ch) {
      case '*':
        out += star;
        continue;
      case '?':
        out += '[^\\n]';
        continue;
      case '\\': {
        const next = chars[i + 1];
        // `}` and `/` are escaped only to get them through ${…}; the escape is not part of the pattern.
        if (next === '}' || next === '/') continue;
        if (next !== '*' && next !== '?' && next !== '\\') {
          throw new InvalidArgument(`invalid escape '\\${next ?? ''}'`);
        }
        out += '\\' + next;
        i++;
        continue;
      }
    }
    out += regexSpecial.has(ch) ? '\\' + ch : ch;
  }
  return new RegExp(out, 'u');
}

function compile(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  try {
    return patternToRegex(pattern, greedy, anchored);
  } catch (e) {
    throw new InvalidArgument(`invalid pattern (${pattern}) in substitution: ${(e as Error).message}`, { cause: e });
  }
}

/** `${v#pat}` / `${v##pat}`: removes the shortest (longest when greedy) matching prefix. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const m = compile(pattern, greedy, true).exec(value);
  return m ? value.slice(m.index + m[0].length) : value;
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
  // A regular expression cannot find the shortest rightmost match, so search the reversed value.
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
    const name = m[1] ?? m[2]!;
    if (name === '0') out += match;
    i += m[0].length;
  }
  return out;
}

/**
 * `${v/pat/repl}` (first match, replacement taken literally) and `${v//pat/repl}` (every
 * match, with Go's `$` template expansion in the replacement, and an empty match right after a
 * previous match skipped, as Go's ReplaceAllString does).
 */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  const re = compile(pattern, true, false);
  if (!all) {
    const m = re.exec(value);
    if (!m) return value;
    return value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length);
  }
  const g = new RegExp(re.source, 'gu');
  let out = '';
  let copied = 0;
  let prevEnd = -1;
  for (let m = g.exec(value); m; m = g.exec(value)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) {
      // Advance past one code point so the loop ends.
      const cp = value.codePointAt(start);
      g.lastIndex = start + (cp !== undefined && cp > 0xffff ? 2 : 1);
      if (start === prevEnd) continue;
    }
    out += value.slice(copied, start) + expandTemplate(replacement, m[0]);
    copied = end;
    prevEnd = end;
    if (start >= value.length) break;
  }
  return out + value.slice(copied);
}
