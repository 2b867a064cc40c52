/**
 * @module dockerfile/shell-scanner
 * The engine of word expansion (see shell-lex for the rules and the public API): one pass over
 * one word, collecting the expanded text, the words it splits into, and the variables looked
 * up. Internal to the frontend.
 */
import { InvalidArgument } from '../errdefs/index.js';
import { isSpace } from './go-text.js';
import type { LexOptions } from './shell-lex.js';
import { replacePattern, trimPrefix, trimSuffix } from './shell-pattern.js';
import type { EnvGetter } from './types.js';

export const EOF = '';

/** Collects words: unquoted whitespace ends a word; quoted text and escapes never do. */
class WordCollector {
  buf = '';
  inWord = false;
  readonly words: string[] = [];

  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.buf.length) {
        this.words.push(this.buf);
        this.buf = '';
        this.inWord = false;
      }
    } else this.addRawChar(ch);
  }

  addRawChar(ch: string): void {
    this.buf += ch;
    this.inWord = true;
  }

  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }

  addRawString(s: string): void {
    this.buf += s;
    this.inWord = true;
  }

  done(): string[] {
    if (this.buf.length) {
      this.words.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

/** One pass over one word. */
export class WordScanner {
  readonly #chars: string[];
  #pos = 0;
  readonly #opts: Required<LexOptions>;
  readonly #env: EnvGetter;
  #rawEscapes: boolean;
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();

  constructor(word: string, env: EnvGetter, opts: Required<LexOptions>) {
    this.#chars = [...word];
    this.#env = env;
    this.#opts = opts;
    this.#rawEscapes = opts.rawEscapes;
  }

  peek(): string {
    return this.#chars[this.#pos] ?? EOF;
  }

  next(): string {
    const ch = this.#chars[this.#pos] ?? EOF;
    if (ch !== EOF) this.#pos++;
    return ch;
  }

  /** Processes up to `stop` (consumed) or the end; `stop` EOF means the whole input. */
  processStopOn(stop: string, rawEscapes: boolean): { result: string; words: string[] } {
    const saved = this.#rawEscapes;
    this.#rawEscapes = rawEscapes;
    try {
      return this.#processStopOn(stop);
    } finally {
      this.#rawEscapes = saved;
    }
  }

  #processStopOn(stop: string): { result: string; words: string[] } {
    const esc = this.#opts.escapeToken;
    const quotes = !this.#opts.skipProcessQuotes;
    const words = new WordCollector();
    let result = '';
    while (this.peek() !== EOF) {
      let ch = this.peek();
      if (stop !== EOF && ch === stop) {
        this.next();
        return { result, words: words.done() };
      }
      if (ch === '$' || ch === '<' || (quotes && (ch === "'" || ch === '"'))) {
        let tmp: string;
        if (ch === '$') tmp = this.#dollar();
        else if (ch === '<') tmp = this.#possibleHeredoc();
        else if (ch === "'") tmp = this.#singleQuote();
        else tmp = this.#doubleQuote();
        result += tmp;
        if (ch === '$') words.addString(tmp);
        else words.addRawString(tmp);
        continue;
      }
      ch = this.next();
      if (ch === esc) {
        if (this.#rawEscapes) {
          words.addRawChar(ch);
          result += ch;
        }
        // The escape character escapes the next one; at the very end it is dropped.
        ch = this.next();
        if (ch === EOF) break;
        words.addRawChar(ch);
      } else {
        words.addChar(ch);
      }
      result += ch;
    }
    if (stop !== EOF) throw new InvalidArgument(`unexpected end of statement while looking for matching ${stop}`);
    return { result, words: words.done() };
  }

  #singleQuote(): string {
    // Everything up to the next ' is literal; nothing can be escaped.
    let result = '';
    const open = this.next();
    if (this.#opts.rawQuotes) result += open;
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new InvalidArgument('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (this.#opts.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  #doubleQuote(): string {
    // Literal except $ expansions; the escape character escapes only ", $ and itself.
    const esc = this.#opts.escapeToken;
    let result = '';
    const open = this.next();
    if (this.#opts.rawQuotes) result += open;
    for (;;) {
      const peek = this.peek();
      if (peek === EOF) throw new InvalidArgument('unexpected end of statement while looking for matching double-quote');
      if (peek === '"') {
        this.next();
        if (this.#opts.rawQuotes) result += '"';
        return result;
      }
      if (peek === '$') {
        result += this.#dollar();
        continue;
      }
      let ch = this.next();
      if (ch === esc) {
        if (this.#rawEscapes) result += ch;
        const after = this.peek();
        if (after === EOF) continue; // an escape at the end of the word is dropped
        if (after === '"' || after === '$' || after === esc) ch = this.next();
      }
      result += ch;
    }
  }

  #possibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    // Keep the blanks between << and the delimiter in the same word.
    let space = '';
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === '\r') space += this.next();
    return '<<' + space;
  }

  #getEnv(name: string): string | undefined {
    const v = this.#env.get(name);
    if (v !== undefined) this.matched.add(name);
    else this.unmatched.add(name);
    return v;
  }

  #name(): string {
    let name = '';
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (name === '' && isDigit(ch)) {
        while (this.peek() !== EOF && isDigit(this.peek())) name += this.next();
        return name;
      }
      if (name === '' && isSpecialParam(ch)) return this.next();
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }

  #dollar(): string {
    this.next(); // $
    if (this.peek() !== '{') {
      const name = this.#name();
      if (name === '') return '$';
      const value = this.#getEnv(name);
      if (value === undefined && this.#opts.skipUnsetEnv) return '$' + name;
      return value ?? '';
    }
    this.next(); // {
    const first = this.peek();
    if (first === EOF) throw new InvalidArgument("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new InvalidArgument('syntax error: bad substitution');
    const name = this.#name();
    let ch = this.next();
    if (ch === EOF) throw new InvalidArgument("syntax error: missing '}'");
    let modifier = ch === EOF ? '\ufffd' : ch;
    if (ch === '}') {
      const value = this.#getEnv(name);
      if (value === undefined && this.#opts.skipUnsetEnv) return '${' + name + '}';
      return value ?? '';
    }
    if (ch === '/') return this.#substitute(name);
    let nullIsUnset = false;
    if (ch === ':') {
      nullIsUnset = true;
      ch = this.next();
      modifier += ch === EOF ? '\ufffd' : ch;
    } else if (!'+-?#%'.includes(ch) || ch === EOF) {
      throw new InvalidArgument(`unsupported modifier (${modifier}) in substitution`);
    }
    const trims = ch === '#' || ch === '%';
    if (nullIsUnset && trims) throw new InvalidArgument(`unsupported modifier (${modifier}) in substitution`);
    const word = this.#until('}', trims, "syntax error: missing '}'");
    const value = this.#getEnv(name);
    if (value === undefined && this.#opts.skipUnsetEnv) return '${' + name + modifier + word + '}';
    const unset = value === undefined || (nullIsUnset && value === '');
    switch (ch) {
      case '-':
        return unset ? word : value!;
      case '+':
        return unset ? '' : word;
      case '?':
        if (value === undefined) throw new InvalidArgument(`${name}: ${word || 'is not allowed to be unset'}`);
        if (nullIsUnset && value === '') throw new InvalidArgument(`${name}: ${word || 'is not allowed to be empty'}`);
        return value;
      case '#':
      case '%': {
        // One # or % is the shortest match, two the longest.
        const greedy = word.startsWith(ch);
        const pattern = greedy ? word.slice(1) : word;
        return ch === '%' ? trimSuffix(pattern, value ?? '', greedy) : trimPrefix(pattern, value ?? '', greedy);
      }
      default:
        throw new InvalidArgument(`unsupported modifier (${modifier}) in substitution`);
    }
  }

  /** `${name/pattern/replacement}` and `${name//pattern/replacement}`, after the first `/`. */
  #substitute(name: string): string {
    const all = this.peek() === '/';
    if (all) this.next();
    const pattern = this.#until('/', true, "syntax error: missing '/' in ${}");
    const replacement = this.#until('}', true, "syntax error: missing '}'");
    const value = this.#getEnv(name);
    if (value === undefined && this.#opts.skipUnsetEnv) return '${' + name + '/' + pattern + '/' + replacement + '}';
    return replacePattern(value ?? '', pattern, replacement, all);
  }

  /** The text up to `stop`, expanded; at the end of input the error says `missing`. */
  #until(stop: string, rawEscapes: boolean, missing: string): string {
    try {
      return this.processStopOn(stop, rawEscapes).result;
    } catch (e) {
      if (this.peek() === EOF) throw new InvalidArgument(missing, { cause: e });
      throw e;
    }
  }
}

const letter = /^\p{L}$/u;
const digit = /^\p{Nd}$/u;

function isLetter(ch: string): boolean {
  return letter.test(ch);
}

function isDigit(ch: string): boolean {
  return digit.test(ch);
}

function isSpecialParam(ch: string): boolean {
  return '@*#?-$!0'.includes(ch) && ch !== '';
}

