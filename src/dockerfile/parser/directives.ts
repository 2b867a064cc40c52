/**
 * @module dockerfile/parser/directives
 * Parser directives (`# syntax=…`, `# escape=…`, `# check=…`), with Docker's rules: they are
 * recognized only in the comment lines at the very top of the file. The first line that is not
 * a directive — an instruction, a blank line, an ordinary comment, or a directive of an unknown
 * name — ends the block for good. Names are case-insensitive; each may appear once. The
 * escape directive takes effect on the very next line.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { trimLeftSpace } from '../go-text.js';
import type { Directive } from './node.js';

/** The `name =` part of Go's `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` (\s is ASCII). */
const directiveNameRe = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=/;
const asciiSpace = (ch: string | undefined) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\f' || ch === '\r';

/** Matches `name = value` as the Go regexp does (linear: no backtracking on long blanks). */
function matchDirective(text: string): [string, string] | undefined {
  const m = directiveNameRe.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m[0].length);
  let start = 0;
  let end = rest.length;
  while (start < end && asciiSpace(rest[start])) start++;
  while (end > start && asciiSpace(rest[end - 1])) end--;
  // The value needs one character; with only blanks left the regexp takes the last one.
  if (start === end) return rest.length ? [m[1]!, rest[rest.length - 1]!] : undefined;
  return [m[1]!, rest.slice(start, end)];
}
const known = new Set(['syntax', 'escape', 'check']);

/** Checks an escape directive's value: only `\` and `` ` `` are allowed. */
export function validateEscapeToken(value: string): string {
  if (value !== '`' && value !== '\\') throw new InvalidArgument(`invalid escape token '${value}' does not match \` or \\`);
  return value;
}

/** Reads directives line by line until the block ends. */
export class DirectiveParser {
  readonly directives: Directive[] = [];
  escapeToken = '\\';
  #done = false;

  /**
   * Offers one line (line ending removed; for the first line of an instruction also its
   * leading blanks). Returns true when the line was a directive. Throws InvalidArgument for a
   * repeated directive or a bad escape token.
   */
  offer(text: string, lineNo: number): boolean {
    if (this.#done) return false;
    if (!text.startsWith('#')) {
      this.#done = true;
      return false;
    }
    const m = matchDirective(trimLeftSpace(text.slice(1)));
    const name = m?.[0].toLowerCase();
    if (!m || !name || !known.has(name)) {
      this.#done = true;
      return false;
    }
    if (this.directives.some((d) => d.name === name)) throw new InvalidArgument(`only one ${name} parser directive can be used`);
    const value = m[1];
    if (name === 'escape') this.escapeToken = validateEscapeToken(value);
    this.directives.push({ name, value, line: lineNo });
    return true;
  }
}
