/**
 * @module dockerfile/shell-lex
 * Word expansion as Docker's builder does it for ADD, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL,
 * USER, VOLUME, WORKDIR and ARG: `$v`, `${v}`, `${v:-w}`, `${v-w}`, `${v:+w}`, `${v+w}`,
 * `${v:?msg}`, `${v?msg}`, `${v#pat}`, `${v##pat}`, `${v%pat}`, `${v%%pat}`, `${v/pat/repl}`,
 * `${v//pat/repl}`, single and double quotes, and the escape character (`\` or the `# escape=`
 * directive's). Pure: variables come from an EnvGetter, and every expansion reports which
 * variable names it looked up (the builder keys its cache on the build args a step uses).
 */
import { InvalidArgument } from '../errdefs/index.js';

/** Where expansion reads variables. */
export interface EnvGetter {
  /** The value, or undefined when the variable is not set. */
  get(name: string): string | undefined;
}

/** An EnvGetter over a plain map or a list of `K=V` strings (later entries win). */
export function envFrom(vars: Record<string, string> | readonly string[]): EnvGetter {
  const m = new Map<string, string>();
  if (Array.isArray(vars)) {
    for (const kv of vars as readonly string[]) {
      const i = kv.indexOf('=');
      if (i < 0) m.set(kv, '');
      else m.set(kv.slice(0, i), kv.slice(i + 1));
    }
  } else for (const [k, v] of Object.entries(vars)) m.set(k, v);
  return { get: (n) => m.get(n) };
}

export interface Expansion {
  /** The expanded text (single-word mode) */
  result: string;
  /** Names of variables that were looked up and set. */
  matched: Set<string>;
  /** Names of variables that were looked up and not set. */
  unmatched: Set<string>;
}

const EOF = '';

class Lexer {
  readonly #chars: string[];
  #pos = 0;
  readonly #escape: string;
  readonly #env: EnvGetter;
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  /** Words mode: split on unquoted whitespace. */
  readonly #words: boolean;

  constructor(input: string, env: EnvGetter, escape: string, words: boolean) {
    this.#chars = [...input];
    this.#env = env;
    this.#escape = escape;
    this.#words = words;
  }

  #peek(): string {
    return this.#chars[this.#pos] ?? EOF;
  }

  #next(): string {
    return this.#chars[this.#pos++] ?? EOF;
  }

  /** Expands the whole input as one word. */
  word(): string {
    return this.#stopOn(EOF).text;
  }

  /** Expands the whole input into words, split on whitespace outside quotes and expansions. */
  wordList(): string[] {
    return this.#stopOn(EOF).words;
  }

  /**
   * Reads until `stop` (unquoted) or EOF. In words mode also collects the split words: a word
   * ends at unquoted whitespace, including whitespace produced by an unquoted expansion.
   */
  #stopOn(stop: string): { text: string; words: string[] } {
    let text = '';
    const words: string[] = [];
    let cur = '';
    let inWord = false;
    const split = this.#words && stop === EOF;
    const addText = (s: string, splittable: boolean) => {
      text += s;
      if (!split) return;
      if (!splittable) {
        cur += s;
        inWord = true;
        return;
      }
      for (const ch of s) {
        if (/\s/.test(ch)) {
          if (inWord) words.push(cur);
          cur = '';
          inWord = false;
        } else {
          cur += ch;
          inWord = true;
        }
      }
    };
    for (;;) {
      const ch = this.#peek();
      if (ch === EOF) {
        if (stop !== EOF) throw new InvalidArgument(`unexpected end of statement while looking for matching ${stop}`);
        break;
      }
      if (ch === stop) {
        this.#next();
        break;
      }
      if (ch === "'") {
        const s = this.#singleQuoted();
        addText(s, false);
        if (split) inWord = true;
      } else if (ch === '"') {
        const s = this.#doubleQuoted();
        addText(s, false);
        if (split) inWord = true;
      } else if (ch === '$') {
        addText(this.#dollar(), true);
      } else {
        this.#next();
        if (ch === this.#escape) {
          const n = this.#next();
          if (n === EOF) break;
          addText(n, false);
        } else {
          addText(ch, true);
        }
      }
    }
    if (split && inWord) words.push(cur);
    return { text, words };
  }

  #singleQuoted(): string {
    this.#next();
    let s = '';
    for (;;) {
      const ch = this.#next();
      if (ch === EOF) throw new InvalidArgument('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return s;
      s += ch;
    }
  }

  #doubleQuoted(): string {
    this.#next();
    let s = '';
    for (;;) {
      const ch = this.#peek();
      if (ch === EOF) throw new InvalidArgument('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') {
        this.#next();
        return s;
      }
      if (ch === '$') {
        s += this.#dollar();
        continue;
      }
      this.#next();
      if (ch === this.#escape) {
        const n = this.#peek();
        if (n === '"' || n === '$' || n === this.#escape) {
          s += this.#next();
          continue;
        }
      }
      s += ch;
    }
  }

  #lookup(name: string): string | undefined {
    const v = this.#env.get(name);
    if (v === undefined) this.unmatched.add(name);
    else this.matched.add(name);
    return v;
  }

  #dollar(): string {
    this.#next();
    const ch = this.#peek();
    if (ch === '{') {
      this.#next();
      return this.#braced();
    }
    const name = this.#name();
    if (name === '') return '$';
    if (isSpecialOrPositional(name)) return '';
    return this.#lookup(name) ?? '';
  }

  /** A plain name after `$`: letters/digits/_ ; all digits for positionals; one special char. */
  #name(): string {
    const first = this.#peek();
    if (/[0-9]/.test(first)) {
      let s = '';
      while (/[0-9]/.test(this.#peek()) && this.#peek() !== EOF) s += this.#next();
      return s;
    }
    if ('@*#?-$!'.includes(first) && first !== EOF) {
      this.#next();
      return first;
    }
    let s = '';
    while (/[A-Za-z0-9_]/.test(this.#peek()) && this.#peek() !== EOF) s += this.#next();
    return s;
  }

  #braced(): string {
    const name = this.#name();
    if (name === '') throw new InvalidArgument(`missing ':' in substitution`);
    const special = isSpecialOrPositional(name);
    const value = () => (special ? undefined : this.#lookup(name));
    const ch = this.#next();
    if (ch === '}') return value() ?? '';
    if (ch === EOF) throw new InvalidArgument('syntax error: missing \'}\'');
    if (ch === ':' || ch === '-' || ch === '+' || ch === '?') {
      let op = ch;
      const colon = ch === ':';
      if (colon) {
        op = this.#next();
        if (op !== '-' && op !== '+' && op !== '?') {
          throw new InvalidArgument(`unsupported modifier (${op}) in substitution`);
        }
      }
      const word = this.#stopOn('}').text;
      const v = value();
      const unset = v === undefined || (colon && v === '');
      switch (op) {
        case '-':
          return unset ? word : v!;
        case '+':
          return unset ? '' : word;
        default:
          if (unset) throw new InvalidArgument(`${name}: ${word || 'is not allowed to be unset'}`);
          return v!;
      }
    }
    if (ch === '#' || ch === '%') {
      const longest = this.#peek() === ch;
      if (longest) this.#next();
      const pattern = this.#stopOn('}').text;
      const v = value() ?? '';
      return ch === '#' ? trimPrefix(v, pattern, longest) : trimSuffix(v, pattern, longest);
    }
    if (ch === '/') {
      const all = this.#peek() === '/';
      if (all) this.#next();
      const pattern = this.#stopOn('/').text;
      const repl = this.#stopOn('}').text;
      const v = value() ?? '';
      return replace(v, pattern, repl, all);
    }
    throw new InvalidArgument(`unsupported modifier (${ch}) in substitution`);
  }
}

function isSpecialOrPositional(name: string): boolean {
  return /^[0-9]+$/.test(name) || (name.length === 1 && '@*#?-$!'.includes(name));
}

/** A shell glob pattern (`*`, `?`, `[...]`, `\x`) as an anchored regular expression source. */
export function globToRegExpSource(pattern: string): string {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!') || body.startsWith('^')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return re;
}

function trimPrefix(v: string, pattern: string, longest: boolean): string {
  const re = new RegExp(`^${globToRegExpSource(pattern)}$`);
  if (longest) {
    for (let i = v.length; i >= 0; i--) if (re.test(v.slice(0, i))) return v.slice(i);
  } else {
    for (let i = 0; i <= v.length; i++) if (re.test(v.slice(0, i))) return v.slice(i);
  }
  return v;
}

function trimSuffix(v: string, pattern: string, longest: boolean): string {
  const re = new RegExp(`^${globToRegExpSource(pattern)}$`);
  if (longest) {
    for (let i = 0; i <= v.length; i++) if (re.test(v.slice(i))) return v.slice(0, i);
  } else {
    for (let i = v.length; i >= 0; i--) if (re.test(v.slice(i))) return v.slice(0, i);
  }
  return v;
}

function replace(v: string, pattern: string, repl: string, all: boolean): string {
  if (pattern === '') return v;
  const src = globToRegExpSource(pattern);
  const re = new RegExp(src, all ? 'g' : '');
  return v.replace(re, () => repl);
}

/** Expands one word (ENV values, WORKDIR, USER, …). Throws InvalidArgument on bad syntax. */
export function expandWord(word: string, env: EnvGetter, escape = '\\'): Expansion {
  const lx = new Lexer(word, env, escape, false);
  const result = lx.word();
  return { result, matched: lx.matched, unmatched: lx.unmatched };
}

/** Expands into words split on unquoted whitespace (exec-form arguments, VOLUME, EXPOSE lists). */
export function expandWords(word: string, env: EnvGetter, escape = '\\'): { words: string[]; matched: Set<string>; unmatched: Set<string> } {
  const lx = new Lexer(word, env, escape, true);
  const words = lx.wordList();
  return { words, matched: lx.matched, unmatched: lx.unmatched };
}
