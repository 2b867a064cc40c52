/**
 * @module errdefs
 * Error classes shared by every layer. Each class names a kind of failure; only `api/` maps a
 * kind to an HTTP status, and nothing ever matches on message text. Wrap the low-level error
 * as `cause` so the chain survives into logs.
 */

export abstract class BerthError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The named object does not exist (HTTP 404). */
export class NotFound extends BerthError {}
/** The request is malformed or names something impossible (HTTP 400). */
export class InvalidArgument extends BerthError {}
/** The request conflicts with the current state, e.g. a name in use (HTTP 409). */
export class Conflict extends BerthError {}
/** Nothing to do: already started, already stopped (HTTP 304). */
export class NotModified extends BerthError {}
/** Permission denied by the system or policy (HTTP 403). */
export class Forbidden extends BerthError {}
/** Credentials missing or refused (HTTP 401). */
export class Unauthorized extends BerthError {}
/** A dependency (runc, a registry) is not reachable right now (HTTP 503). */
export class Unavailable extends BerthError {}
/**
 * The request cannot be served in the system's current state, and the client can ask another
 * way (HTTP 412): e.g. a build context path the daemon cannot see, so the CLI sends a tar.
 */
export class FailedPrecondition extends BerthError {}
/** Stored data failed verification (digest, size, format) (HTTP 500). */
export class DataLoss extends BerthError {}
/** The operation was cancelled by the caller (HTTP 499 in logs; the client is gone). */
export class Cancelled extends BerthError {}
/** The operation is not supported by this object's configuration, e.g. reading a `none` log (HTTP 501). */
export class NotImplemented extends BerthError {}
/** Any other failure of the system (HTTP 500). */
export class SystemError extends BerthError {}

/**
 * A Dockerfile (or other source file) problem with a location. `line` is 1-based; 0 when the
 * problem concerns the whole file.
 */
export class LocationError extends InvalidArgument {
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  constructor(message: string, file: string, line: number, endLine = line, options?: { cause?: unknown }) {
    super(message, options);
    this.file = file;
    this.line = line;
    this.endLine = endLine;
  }
}

export function isBerthError(e: unknown): e is BerthError {
  return e instanceof BerthError;
}

/** The message of anything thrown, for logs and wire errors. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
