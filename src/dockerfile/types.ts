/**
 * @module dockerfile/types
 * Contracts shared by the whole frontend.
 *
 * - `EnvGetter` is where word expansion reads variables (the environment at one point of a
 *   build: ENV values, build args in scope). It has two methods and nothing else, so the
 *   builder can back it with whatever it keeps.
 * - `Location` names the lines of the Dockerfile an instruction (or error) covers: 1-based,
 *   inclusive, heredoc bodies and continuation lines included.
 * - `ParseWarning` is a non-fatal finding of the parser (Docker prints these as warnings).
 */

/** Variables visible to word expansion. */
export interface EnvGetter {
  /** The value of a variable, or undefined when it is not set (set but empty is ""). */
  get(name: string): string | undefined;
  /** The names of the variables that are set, in definition order. */
  keys(): string[];
}

/** Where something is in a Dockerfile. */
export interface Location {
  /** The file name given to the parser (default `Dockerfile`). */
  file: string;
  /** First line, 1-based. */
  startLine: number;
  /** Last line, inclusive. */
  endLine: number;
}

/** A problem the parser tolerates (Docker prints it as a warning). */
export interface ParseWarning {
  /** The lint rule it belongs to, e.g. `NoEmptyContinuation`. */
  rule: string;
  /** 1-based line the warning concerns. */
  line: number;
  message: string;
}
