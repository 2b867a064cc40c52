/**
 * @module dockerfile/parser/heredoc
 * Heredoc markers in a RUN, COPY or ADD line, read as BuildKit reads them: the line is split
 * into shell words (quotes and escapes kept, `<< EOF` one word), and each word of the form
 * `[fd]<<[-]DELIM` is a marker. The delimiter loses its quotes; when any part of it was quoted,
 * the body is not expanded. Heredocs always use `\` as escape character, whatever the
 * `# escape=` directive says.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { ShellLex } from '../shell-lex.js';
import { emptyEnv } from '../shell-env.js';
import type { Heredoc } from './node.js';

/** `^(\d*)<<(-?)\s*([^<]*)$` with Go's ASCII \d and \s. */
const markerRe = /^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)$/s;

const lineLex = new ShellLex({ rawQuotes: true, rawEscapes: true, skipUnsetEnv: true });
const plainLex = new ShellLex({ skipUnsetEnv: true });
const rawQuoteLex = new ShellLex({ skipUnsetEnv: true, rawQuotes: true });

function countQuotes(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === "'" || ch === '"') n++;
  return n;
}

/**
 * The marker a word is, or undefined. Throws InvalidArgument when the delimiter cannot be
 * lexed (an unterminated quote).
 */
export function parseHeredocMarker(word: string): Omit<Heredoc, 'content'> | undefined {
  const m = markerRe.exec(word);
  if (!m || m[3] === '') return undefined;
  const rest = m[3]!;
  const words = plainLex.processWords(rest, emptyEnv);
  if (words.length !== 1) return undefined;
  const raw = rawQuoteLex.processWords(rest, emptyEnv);
  if (raw.length !== 1) throw new InvalidArgument(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  const name = words[0]!;
  return {
    name,
    expand: countQuotes(name) === countQuotes(raw[0]!),
    chomp: m[2] === '-',
    fileDescriptor: m[1] ? Number(m[1]) : 0,
  };
}

/** The heredoc markers of an instruction line, in order. */
export function heredocMarkers(line: string): Omit<Heredoc, 'content'>[] {
  let words: string[];
  try {
    words = lineLex.processWords(line, emptyEnv);
  } catch {
    return []; // an unbalanced quote: BuildKit finds no heredocs either
  }
  const out: Omit<Heredoc, 'content'>[] = [];
  for (const w of words) {
    const marker = parseHeredocMarker(w);
    if (marker) out.push(marker);
  }
  return out;
}
