/**
 * @module dockerfile/shell-lex
 * Word expansion as Docker's builder does it (BuildKit's shell lexer): `$v`, `${v}`,
 * `${v:-w}`, `${v-w}`, `${v:+w}`, `${v+w}`, `${v:?msg}`, `${v?msg}`, `${v#p}`, `${v##p}`,
 * `${v%p}`, `${v%%p}`, `${v/p/r}`, `${v//p/r}`, single and double quotes, and the escape
 * character (`\`, or `` ` `` under `# escape=` `` ` ``). Positional (`$1`) and special (`$@`,
 * `$#`, …) parameters are never set. Pure: variables come from an EnvGetter.
 *
 * Every expansion reports the variables it looked up (`matched`: set, `unmatched`: not set),
 * like BuildKit's ProcessWordWithMatches: the builder keys a step's cache on the build args it
 * used, and the linter reports undefined variables.
 *
 * `expandWord` gives one string (quotes removed, spaces kept); `expandWords` splits the result
 * into words on unquoted whitespace, including whitespace that came out of a variable (for
 * EXPOSE and other list-valued words). Errors are InvalidArgument:
 * `failed to process "<word>": <reason>`.
 */
import { InvalidArgument } from '../errdefs/index.js';
import { goQuote } from './go-text.js';
import { EOF, WordScanner } from './shell-scanner.js';
import type { EnvGetter } from './types.js';

/** How a ShellLex treats quotes, escapes and unset variables. Defaults are Docker's. */
export interface LexOptions {
  /** The escape character: `\` (default) or `` ` ``. */
  escapeToken?: string;
  /** Keep quote characters in the result (quoting still groups words). */
  rawQuotes?: boolean;
  /** Keep escape characters in the result. */
  rawEscapes?: boolean;
  /** Treat quotes as ordinary characters (heredoc bodies are expanded this way). */
  skipProcessQuotes?: boolean;
  /** Leave references to unset variables as written (`$x`, `${x:-y}`) instead of expanding them. */
  skipUnsetEnv?: boolean;
}

/** The outcome of expanding one word. */
export interface Expansion {
  /** The word expanded as one string. */
  result: string;
  /** The result split into words on unquoted whitespace. */
  words: string[];
  /** Names of variables that were looked up and set. */
  matched: Set<string>;
  /** Names of variables that were looked up and not set. */
  unmatched: Set<string>;
}

/** A word expander with fixed options. Stateless between calls; safe to reuse. */
export class ShellLex {
  readonly options: Readonly<Required<LexOptions>>;

  constructor(opts: LexOptions = {}) {
    const escapeToken = opts.escapeToken ?? '\\';
    if ([...escapeToken].length !== 1) throw new InvalidArgument(`invalid escape token '${escapeToken}' does not match \` or \\`);
    this.options = {
      escapeToken,
      rawQuotes: opts.rawQuotes ?? false,
      rawEscapes: opts.rawEscapes ?? false,
      skipProcessQuotes: opts.skipProcessQuotes ?? false,
      skipUnsetEnv: opts.skipUnsetEnv ?? false,
    };
  }

  /** Expands `word`, reporting the variables used. Throws InvalidArgument on a syntax error. */
  process(word: string, env: EnvGetter): Expansion {
    const s = new WordScanner(word, env, this.options);
    try {
      const { result, words } = s.processStopOn(EOF, this.options.rawEscapes);
      return { result, words, matched: s.matched, unmatched: s.unmatched };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new InvalidArgument(`failed to process ${goQuote(word)}: ${reason}`, { cause: e });
    }
  }

  /** One word, expanded. */
  processWord(word: string, env: EnvGetter): string {
    return this.process(word, env).result;
  }

  /** The word expanded and split into words. */
  processWords(word: string, env: EnvGetter): string[] {
    return this.process(word, env).words;
  }
}

const lexers = new Map<string, ShellLex>();

function lexFor(escapeToken: string): ShellLex {
  let l = lexers.get(escapeToken);
  if (!l) {
    l = new ShellLex({ escapeToken });
    lexers.set(escapeToken, l);
  }
  return l;
}

/** Expands one word with Docker's defaults and the given escape character. */
export function expandWord(word: string, env: EnvGetter, escapeToken = '\\'): Expansion {
  return lexFor(escapeToken).process(word, env);
}

/** Expands a word into several (split on unquoted whitespace), with the variables used. */
export function expandWords(word: string, env: EnvGetter, escapeToken = '\\'): Expansion {
  return lexFor(escapeToken).process(word, env);
}
