/**
 * @module dockerfile/parser/directives
 * Parser directives (`# syntax=`, `# escape=`, `# check=`): recognized only in the comment
 * lines at the very top of the file. The first line that is not a directive — a blank line,
 * another comment, an instruction, or an unknown directive — ends the directive block.
 */
import { LocationError } from '../../errdefs/index.js';

const directiveRe = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const known = new Set(['syntax', 'escape', 'check']);

export interface Directives {
  escape: string;
  syntax?: string;
  check?: string;
}

export class DirectiveParser {
  readonly directives: Directives = { escape: '\\' };
  #done = false;
  readonly #seen = new Set<string>();
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  get escape(): string {
    return this.directives.escape;
  }

  /** Offers one raw line (newline and leading whitespace trimmed) to the directive block. */
  line(text: string, lineNo: number): void {
    if (this.#done) return;
    const m = directiveRe.exec(text);
    if (!m) {
      this.#done = true;
      return;
    }
    const key = m[1]!.toLowerCase();
    if (!known.has(key)) {
      this.#done = true;
      return;
    }
    if (this.#seen.has(key)) {
      throw new LocationError(`only one ${key} parser directive can be used`, this.#file, lineNo);
    }
    this.#seen.add(key);
    const value = m[2]!.trim();
    if (key === 'escape') {
      if (value !== '`' && value !== '\\') {
        throw new LocationError(`invalid escape token '${value}' does not match \` or \\`, this.#file, lineNo);
      }
      this.directives.escape = value;
    } else if (key === 'syntax') this.directives.syntax = value;
    else this.directives.check = value;
  }

  /** Ends the directive block (the first instruction was seen). */
  end(): void {
    this.#done = true;
  }
}
