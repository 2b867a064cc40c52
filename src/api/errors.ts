/**
 * @module api/errors
 * The one place that maps errdefs classes to HTTP statuses, as dockerd does, and that words
 * what a client sees of an error: never a programming error's text (a `TypeError` from a
 * handler is a bug, reported as an internal error and logged in full), never a host path
 * under the daemon's data or exec root (shown as `<data-root>/…`, `<exec-root>/…`).
 */
import {
  Cancelled, Conflict, FailedPrecondition, Forbidden, InvalidArgument, NotFound, NotImplemented, NotModified, Unauthorized, Unavailable,
  messageOf,
} from '../errdefs/index.js';

export function statusOf(e: unknown): number {
  if (e instanceof NotModified) return 304;
  if (e instanceof InvalidArgument) return 400;
  if (e instanceof Unauthorized) return 401;
  if (e instanceof Forbidden) return 403;
  if (e instanceof NotFound) return 404;
  if (e instanceof Conflict) return 409;
  if (e instanceof FailedPrecondition) return 412;
  if (e instanceof Cancelled) return 499;
  if (e instanceof NotImplemented) return 501;
  if (e instanceof Unavailable) return 503;
  return 500;
}

/** Host directories whose paths never reach a client, longest first, with their stand-ins. */
let privateRoots: { path: string; label: string }[] = [];

/** Names the daemon's private roots (daemon start-up). */
export function setPrivateRoots(roots: { dataRoot?: string; execRoot?: string }): void {
  const list: { path: string; label: string }[] = [];
  if (roots.dataRoot) list.push({ path: roots.dataRoot.replace(/\/+$/, ''), label: '<data-root>' });
  if (roots.execRoot) list.push({ path: roots.execRoot.replace(/\/+$/, ''), label: '<exec-root>' });
  privateRoots = list.filter((r) => r.path.length > 1).sort((a, b) => b.path.length - a.path.length);
}

/** `text` with every private root replaced by its stand-in. */
export function redactPaths(text: string): string {
  let out = text;
  for (const r of privateRoots) out = out.split(r.path).join(r.label);
  return out;
}

/** A JavaScript programming error (a bug), as opposed to an error berth or the system raised. */
export function isInternalError(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError;
}

/** What a client is told of an error. */
export function publicMessage(e: unknown): string {
  if (isInternalError(e)) return 'internal server error: see the daemon log';
  return redactPaths(messageOf(e));
}

/** The JSON body of an error response. */
export function errorBody(e: unknown): { message: string } {
  return { message: publicMessage(e) };
}
