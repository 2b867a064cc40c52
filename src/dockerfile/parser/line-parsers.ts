/**
 * @module dockerfile/parser/line-parsers
 * How each instruction's text after the keyword (and its flags) is split into arguments, one
 * small parser per shape, chosen through a dispatch table: JSON-or-shell (RUN, CMD,
 * ENTRYPOINT, SHELL), JSON-or-list (ADD, COPY, VOLUME), name=value pairs (ENV, LABEL), words
 * (ARG), whitespace lists (FROM, EXPOSE), one string (USER, WORKDIR, …), HEALTHCHECK and
 * ONBUILD's sub-instruction.
 */
import { InvalidArgument } from '../../errdefs/index.js';

export interface Parsed {
  args: string[];
  json: boolean;
  /** ONBUILD: the trigger's text, parsed by the caller into a sub-node. */
  subLine?: string;
}

export type LineParser = (rest: string, escape: string) => Parsed;

const isSpace = (ch: string) => /\s/u.test(ch);

/** JSON array of strings; `undefined` when the text is not valid JSON; throws when valid JSON is not all strings. */
export function parseJsonArray(rest: string): string[] | undefined {
  const t = rest.replace(/^\s+/u, '');
  if (!t.startsWith('[')) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v)) return undefined;
  if (!v.every((x) => typeof x === 'string')) throw new InvalidArgument('dockerfile is not a string array');
  return v as string[];
}

/** Splits on whitespace keeping quotes and escapes in the words (ENV, LABEL, ARG). */
export function parseWords(rest: string, escape: string): string[] {
  const words: string[] = [];
  const chars = [...rest];
  let word = '';
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOK = false;
  for (let i = 0; i <= chars.length; i++) {
    const end = i === chars.length;
    let ch = chars[i] ?? '';
    if (phase === 'spaces') {
      if (end) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (end) {
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
      if (ch === escape) {
        if (i + 1 === chars.length) continue;
        word += ch;
        ch = chars[++i]!;
      }
      word += ch;
      continue;
    }
    // in quote
    if (ch === quote) phase = 'word';
    if (ch === escape && quote !== "'") {
      if (i + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      word += ch;
      ch = chars[++i]!;
    }
    word += ch;
  }
  return words;
}

const maybeJson: LineParser = (rest) => {
  const t = rest.trim();
  if (t === '') return { args: [], json: false };
  const arr = parseJsonArray(t);
  if (arr) return { args: arr, json: true };
  return { args: [t], json: false };
};

const maybeJsonToList: LineParser = (rest) => {
  const arr = parseJsonArray(rest);
  if (arr) return { args: arr, json: true };
  return whitespaceList(rest, '\\');
};

const whitespaceList: LineParser = (rest) => {
  const t = rest.trim();
  return { args: t === '' ? [] : t.split(/\s+/u), json: false };
};

const oneString: LineParser = (rest) => ({ args: rest === '' ? [] : [rest], json: false });

function nameVal(key: string): LineParser {
  return (rest, escape) => {
    const words = parseWords(rest, escape);
    if (words.length === 0) return { args: [], json: false };
    if (!words[0]!.includes('=')) {
      const parts = rest.split(/\s+(.*)/su);
      if (parts.length < 2 || parts[1] === '') throw new InvalidArgument(`${key} must have two arguments`);
      return { args: [parts[0]!, parts[1]!, ''], json: false };
    }
    const args: string[] = [];
    for (const w of words) {
      const i = w.indexOf('=');
      if (i < 0) throw new InvalidArgument(`Syntax error - can't find = in ${JSON.stringify(w)}. Must be of the form: name=value`);
      if (i === 0) throw new InvalidArgument(`${key} names can not be blank`);
      args.push(w.slice(0, i), w.slice(i + 1), '=');
    }
    return { args, json: false };
  };
}

const nameOrNameVal: LineParser = (rest, escape) => ({ args: parseWords(rest, escape), json: false });

const healthcheck: LineParser = (rest) => {
  const m = /^(\S+)\s*([\s\S]*)$/u.exec(rest);
  if (!m) return { args: [], json: false };
  const cmd = maybeJson(m[2]!, '\\');
  return { args: [m[1]!, ...cmd.args], json: cmd.json };
};

const subCommand: LineParser = (rest) => (rest === '' ? { args: [], json: false } : { args: [], json: false, subLine: rest });

/** Line parser per lower-case keyword; an unknown keyword has none. */
export const lineParsers: Record<string, LineParser> = {
  add: maybeJsonToList,
  arg: nameOrNameVal,
  cmd: maybeJson,
  copy: maybeJsonToList,
  entrypoint: maybeJson,
  env: nameVal('ENV'),
  expose: whitespaceList,
  from: whitespaceList,
  healthcheck,
  label: nameVal('LABEL'),
  maintainer: oneString,
  onbuild: subCommand,
  run: maybeJson,
  shell: maybeJson,
  stopsignal: oneString,
  user: oneString,
  volume: maybeJsonToList,
  workdir: oneString,
};

/**
 * Splits leading `--flag[=value]` words off an instruction's text (quotes and `\` handled,
 * `--` ends the flags); returns the flags and the rest.
 */
export function extractFlags(line: string): { flags: string[]; rest: string } {
  const words: string[] = [];
  let word = '';
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOK = false;
  for (let pos = 0; pos <= line.length; pos++) {
    const end = pos === line.length;
    let ch = line[pos] ?? '';
    if (phase === 'spaces') {
      if (end) break;
      if (isSpace(ch)) continue;
      if (ch !== '-' || pos + 1 === line.length || line[pos + 1] !== '-') return { flags: words, rest: line.slice(pos) };
      phase = 'word';
    }
    if (end) {
      if (word !== '--' && (blankOK || word.length > 0)) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (word === '--') return { flags: words, rest: line.slice(pos) };
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
      if (ch === '\\') {
        if (pos + 1 === line.length) continue;
        ch = line[++pos]!;
      }
      word += ch;
      continue;
    }
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === '\\') {
      if (pos + 1 === line.length) {
        phase = 'word';
        continue;
      }
      ch = line[++pos]!;
    }
    word += ch;
  }
  return { flags: words, rest: '' };
}
