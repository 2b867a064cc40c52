/**
 * @module dockerfile/parser/line-parsers
 * How each instruction's argument text is split (see node.ts for the resulting shapes): one
 * small parser per shape, chosen through a table keyed by the lower-case keyword, so a new
 * instruction is one row. Parsers throw InvalidArgument; the caller adds the line.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { goQuote, isSpace, splitWhitespace, splitAtFirstWhitespace } from '../go-text.js';
import { parseJsonArray } from './json-array.js';

export interface LineArgs {
  args: string[];
  json: boolean;
}

/** Parses the argument text of one instruction (already trimmed, flags removed). */
export type LineParser = (rest: string, escapeToken: string) => LineArgs;

const none: LineArgs = { args: [], json: false };

/**
 * Splits on blanks outside quotes, keeping quotes and escapes in the words (they are removed
 * later, by word expansion). An escape at the very end is dropped.
 */
export function parseWords(rest: string, escapeToken: string): string[] {
  const chars = [...rest];
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOK = false;
  let word = '';
  for (let pos = 0; pos <= chars.length; pos++) {
    const atEnd = pos === chars.length;
    let ch = atEnd ? '' : chars[pos]!;
    if (phase === 'spaces') {
      if (atEnd) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (atEnd) {
      if (blankOK || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (blankOK || word.length > 0) words.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
      }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue;
        // Keep the escape and the character it escapes, even a quote.
        word += ch;
        ch = chars[++pos]!;
      }
      word += ch;
      continue;
    }
    // In quotes: the escape character means nothing inside single quotes.
    if (ch === quote) phase = 'word';
    if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      word += ch;
      ch = chars[++pos]!;
    }
    word += ch;
  }
  return words;
}

/** ENV and LABEL: `k=v k2="v 2"`, or the legacy `K value with spaces` (one pair). */
function nameVal(keyword: string): LineParser {
  return (rest, escapeToken) => {
    const words = parseWords(rest, escapeToken);
    if (words.length === 0) return none;
    if (!words[0]!.includes('=')) {
      const parts = splitAtFirstWhitespace(rest);
      if (parts.length < 2) throw new InvalidArgument(`${keyword} must have two arguments`);
      return { args: [parts[0]!, parts[1]!, ''], json: false };
    }
    const args: string[] = [];
    for (const w of words) {
      const i = w.indexOf('=');
      if (i < 0) throw new InvalidArgument(`Syntax error - can't find = in ${goQuote(w)}. Must be of the form: name=value`);
      args.push(w.slice(0, i), w.slice(i + 1), '=');
    }
    return { args, json: false };
  };
}

const words: LineParser = (rest, escapeToken) => ({ args: parseWords(rest, escapeToken), json: false });

const whitespaceList: LineParser = (rest) => (rest === '' ? none : { args: splitWhitespace(rest), json: false });

const oneString: LineParser = (rest) => (rest === '' ? none : { args: [rest], json: false });

/** RUN, CMD, ENTRYPOINT, SHELL: exec form, else the whole text as one shell-form string. */
const maybeJson: LineParser = (rest) => {
  if (rest === '') return none;
  const arr = parseJsonArray(rest);
  return arr ? { args: arr, json: true } : { args: [rest], json: false };
};

/** ADD, COPY, VOLUME: exec form, else the words split on blanks. */
const maybeJsonToList: LineParser = (rest, escapeToken) => {
  const arr = parseJsonArray(rest);
  return arr ? { args: arr, json: true } : whitespaceList(rest, escapeToken);
};

/** HEALTHCHECK: the type word, then the command as for CMD. */
const healthConfig: LineParser = (rest, escapeToken) => {
  const chars = [...rest];
  let sep = 0;
  while (sep < chars.length && !isSpace(chars[sep]!)) sep++;
  if (sep === 0) return none;
  let next = sep;
  while (next < chars.length && isSpace(chars[next]!)) next++;
  const cmd = maybeJson(chars.slice(next).join(''), escapeToken);
  return { args: [chars.slice(0, sep).join(''), ...cmd.args], json: cmd.json };
};

/** The line parser of each known instruction (ONBUILD is handled by the node builder). */
export const lineParsers: Readonly<Record<string, LineParser>> = {
  add: maybeJsonToList,
  arg: words,
  cmd: maybeJson,
  copy: maybeJsonToList,
  entrypoint: maybeJson,
  env: nameVal('ENV'),
  expose: whitespaceList,
  from: whitespaceList,
  healthcheck: healthConfig,
  label: nameVal('LABEL'),
  maintainer: oneString,
  run: maybeJson,
  shell: maybeJson,
  stopsignal: oneString,
  user: oneString,
  volume: maybeJsonToList,
  workdir: oneString,
};

/** Every instruction keyword, lower-case. */
export const instructionNames: readonly string[] = [...Object.keys(lineParsers), 'onbuild'].sort();
