/**
 * @module dockerfile/parser/json-array
 * The exec form: an argument text that is a JSON array of strings. Docker's fallback rules:
 * text that is not a JSON array at all (no `[`, invalid JSON such as single quotes, an
 * unterminated bracket or string) is silently shell form; a valid JSON array holding anything
 * but strings is an error.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { trimLeftSpace } from '../go-text.js';

/** Docker's error for `["a", 1]` or nested arrays. */
export const notStringArray = 'when using JSON array syntax, arrays must be comprised of strings only';

/**
 * The strings of a JSON array, or undefined when `text` is not a JSON array (shell form).
 * Throws InvalidArgument when it is a JSON array with a non-string element.
 */
export function parseJsonArray(text: string): string[] | undefined {
  const t = trimLeftSpace(text);
  if (!t.startsWith('[')) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v)) return undefined;
  for (const x of v) if (typeof x !== 'string') throw new InvalidArgument(notStringArray);
  return v as string[];
}
