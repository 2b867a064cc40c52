/**
 * @module dockerfile/go-text
 * The handful of Go text rules Docker's Dockerfile handling depends on, so that berth splits,
 * trims and quotes exactly as BuildKit does: Go's `unicode.IsSpace` (which differs from
 * JavaScript's `\s`), `strings.TrimSpace`, the `[\t\v\f\r ]+` whitespace splitter of the
 * parser, and `strconv.Quote` (used by the AST dump and in some error messages).
 */

/** Go's unicode.IsSpace for one code point (given as a one-code-point string). */
export function isSpace(ch: string): boolean {
  switch (ch) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r': case '\u0085': case '\u00a0':
      return true;
  }
  const c = ch.codePointAt(0) ?? 0;
  if (c < 0x1680) return false;
  return c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Go's strings.TrimLeftFunc(s, unicode.IsSpace). */
export function trimLeftSpace(s: string): string {
  let i = 0;
  while (i < s.length) {
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    if (!isSpace(ch)) break;
    i += ch.length;
  }
  return s.slice(i);
}

/** Go's strings.TrimRightFunc(s, unicode.IsSpace). */
export function trimRightSpace(s: string): string {
  let end = s.length;
  while (end > 0) {
    // Step back one code point.
    let start = end - 1;
    const low = s.charCodeAt(start);
    if (low >= 0xdc00 && low <= 0xdfff && start > 0) {
      const high = s.charCodeAt(start - 1);
      if (high >= 0xd800 && high <= 0xdbff) start--;
    }
    if (!isSpace(s.slice(start, end))) break;
    end = start;
  }
  return s.slice(0, end);
}

/** Go's strings.TrimSpace. */
export function trimSpace(s: string): string {
  return trimRightSpace(trimLeftSpace(s));
}

/** The parser's whitespace (`[\t\v\f\r ]+`, Go's reWhitespace). */
const parserWhitespace = /[\t\v\f\r ]+/;

/** Splits on runs of `[\t\v\f\r ]`, like Go's reWhitespace.Split(s, -1). */
export function splitWhitespace(s: string): string[] {
  return s.split(new RegExp(parserWhitespace.source, 'g'));
}

/** Splits into at most two parts at the first run of `[\t\v\f\r ]`, like reWhitespace.Split(s, 2). */
export function splitAtFirstWhitespace(s: string): string[] {
  const m = parserWhitespace.exec(s);
  if (!m) return [s];
  return [s.slice(0, m.index), s.slice(m.index + m[0].length)];
}

export { goQuote } from '../util/go-quote.js';
