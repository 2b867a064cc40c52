/**
 * @module engine/images/path-match
 * Go's path.Match, which Docker's `reference` filter uses: `*` matches any run of characters
 * except `/`, `?` one such character, `[a-z]` / `[^…]` classes, `\\` escapes. A malformed
 * pattern is an error ("syntax error in pattern").
 */
import { InvalidArgument } from '../../errdefs/index.js';

function toRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) throw new InvalidArgument('syntax error in pattern');
      re += pattern[i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new InvalidArgument('syntax error in pattern');
      let body = pattern.slice(i + 1, end);
      let neg = false;
      if (body.startsWith('^')) {
        neg = true;
        body = body.slice(1);
      }
      if (body === '') throw new InvalidArgument('syntax error in pattern');
      re += `[${neg ? '^' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(re + '$', 's');
}

export function pathMatch(pattern: string, name: string): boolean {
  return toRegExp(pattern).test(name);
}
