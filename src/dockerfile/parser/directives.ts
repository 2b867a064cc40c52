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

/** `name = value`, Go's regexp `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` (\s is ASCII). */
const directiveRe = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/s;
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
    const m = directiveRe.exec(trimLeftSpace(text.slice(1)));
    const name = m?.[1]?.toLowerCase();
    if (!m || !name || !known.has(name)) {
      this.#done = true;
      return false;
    }
    if (this.directives.some((d) => d.name === name)) throw new InvalidArgument(`only one ${name} parser directive can be used`);
    const value = m[2]!;
    if (name === 'escape') this.escapeToken = validateEscapeToken(value);
    this.directives.push({ name, value, line: lineNo });
    return true;
  }
}
