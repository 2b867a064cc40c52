/**
 * @module dockerfile/errors
 * How the frontend words its errors. Every error about a Dockerfile is a LocationError (file,
 * first and last line) whose message names the line, in Docker's words:
 *
 * - the syntax pass (text → nodes): `failed to parse Dockerfile: ENV must have two arguments`
 *   (dockerd 20.10's legacy builder names the file, not the line, for errors in the text itself);
 * - the instruction pass (nodes → typed instructions) and expansion:
 *   `dockerfile parse error line 7: unknown instruction: COPPY` (dockerd 20.10's wording; newer
 *   BuildKit says `on line 7`);
 * - when a step expands its words (expandCommand), Docker's words alone, as Docker prints
 *   errors of a running step: `failed to process "${A": syntax error: missing '}'`;
 * - a file without any instruction: `file with no instructions`.
 *
 * The bare reason (`ENV must have two arguments`) is the error's `cause`, an InvalidArgument.
 */
import { InvalidArgument, LocationError } from '../errdefs/index.js';

/** An error found while reading the text (directives, continuations, line parsers, heredocs). */
export function syntaxError(reason: string, file: string, startLine: number, endLine = startLine, cause?: unknown): LocationError {
  const inner = new InvalidArgument(reason, cause === undefined ? undefined : { cause });
  return new LocationError(`failed to parse ${file}: ${reason}`, file, startLine, endLine, { cause: inner });
}

/** An error found in one instruction (its meaning, flags, arguments or word expansion). */
export function instructionError(reason: string, file: string, startLine: number, endLine = startLine, cause?: unknown): LocationError {
  const inner = new InvalidArgument(reason, cause === undefined ? undefined : { cause });
  return new LocationError(`dockerfile parse error line ${startLine}: ${reason}`, file, startLine, endLine, { cause: inner });
}

/** An error found when a step's words are expanded: Docker's bare words, located. */
export function stepError(reason: string, file: string, startLine: number, endLine = startLine, cause?: unknown): LocationError {
  const inner = new InvalidArgument(reason, cause === undefined ? undefined : { cause });
  return new LocationError(reason, file, startLine, endLine, { cause: inner });
}

/** The reason of a frontend error without the `… parse error … line N: ` prefix. */
export function reasonOf(e: unknown): string {
  if (e instanceof LocationError && e.cause instanceof InvalidArgument) return e.cause.message;
  return e instanceof Error ? e.message : String(e);
}
