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
export function splitWhitespace2(s: string): string[] {
  const m = parserWhitespace.exec(s);
  if (!m) return [s];
  return [s.slice(0, m.index), s.slice(m.index + m[0].length)];
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote: a double-quoted Go string literal. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    const c = ch.codePointAt(0)!;
    if (printable.test(ch)) out += ch;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd'; // a lone surrogate: not valid UTF-8
    else if (c < 0x80) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out + '"';
}
