/**
 * @module api/errors
 * The one place that maps errdefs classes to HTTP statuses, as dockerd does.
 */
import {
  Cancelled, Conflict, FailedPrecondition, Forbidden, InvalidArgument, NotFound, NotModified, Unauthorized, Unavailable,
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
  if (e instanceof Unavailable) return 503;
  return 500;
}

/** The JSON body of an error response. */
export function errorBody(e: unknown): { message: string } {
  return { message: messageOf(e) };
}
