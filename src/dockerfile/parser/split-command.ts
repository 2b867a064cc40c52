/**
 * @module dockerfile/parser/split-command
 * Splits an instruction's joined text into its keyword, its leading `--flags` and the rest,
 * as BuildKit does: flags are the words starting with `--` right after the keyword; quotes
 * group (and are removed), the escape character escapes the next character, and a lone `--`
 * ends the flags.
 */
import { isSpace, splitAtFirstWhitespace, trimSpace } from '../go-text.js';

export interface SplitCommand {
  keyword: string;
  flags: string[];
  /** The arguments' text, trimmed. */
  rest: string;
}

export function splitCommand(line: string, escapeToken: string): SplitCommand {
  const parts = splitAtFirstWhitespace(trimSpace(line));
  if (parts.length < 2) return { keyword: parts[0]!, flags: [], rest: '' };
  const { flags, rest } = extractFlags(parts[1]!, escapeToken);
  return { keyword: parts[0]!, flags, rest: trimSpace(rest) };
}

/** Takes the leading `--flag` words off `line`; returns them and the remaining text. */
export function extractFlags(line: string, escapeToken: string): { flags: string[]; rest: string } {
  const chars = [...line];
  // Offsets (in UTF-16 units) of each character, to slice the remainder out of `line`.
  const offsets: number[] = [];
  let off = 0;
  for (const ch of chars) {
    offsets.push(off);
    off += ch.length;
  }
  offsets.push(off);
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOK = false;
  for (let pos = 0; pos <= chars.length; pos++) {
    const atEnd = pos === chars.length;
    let ch = atEnd ? '' : chars[pos]!;
    if (phase === 'spaces') {
      if (atEnd) break;
      if (isSpace(ch)) continue;
      // Only a word starting with -- is a flag.
      if (ch !== '-' || chars[pos + 1] !== '-') return { flags: words, rest: line.slice(offsets[pos]) };
      phase = 'word';
    }
    if (atEnd) {
      if (word !== '--' && (blankOK || word.length > 0)) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (word === '--') return { flags: words, rest: line.slice(offsets[pos]) };
        if (blankOK || word.length > 0) words.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
        continue;
      }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue; // an escape at the end is dropped
        ch = chars[++pos]!;
      }
      word += ch;
      continue;
    }
    // In quotes.
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === escapeToken) {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      ch = chars[++pos]!;
    }
    word += ch;
  }
  return { flags: words, rest: '' };
}
