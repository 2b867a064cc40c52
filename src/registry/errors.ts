/**
 * @module registry/errors
 * Registry error bodies (`{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}`) turned into
 * errdefs classes with the text Docker shows: the code lowercased with spaces, a colon, the
 * message (`unauthorized: authentication required`, `manifest unknown: manifest unknown`).
 */
import { Forbidden, InvalidArgument, NotFound, SystemError, Unauthorized, Unavailable, type BerthError } from '../errdefs/index.js';

interface RegistryErrorBody {
  errors?: { code?: string; message?: string; detail?: unknown }[];
  details?: string;
}

/** Docker's text for a registry's error response. */
export function registryErrorText(status: number, body: Buffer): string {
  let parsed: RegistryErrorBody | undefined;
  try {
    parsed = JSON.parse(body.toString('utf8')) as RegistryErrorBody;
  } catch {
    parsed = undefined;
  }
  const errs = parsed?.errors?.filter((e) => e && (e.code || e.message)) ?? [];
  if (errs.length > 0) {
    const one = (e: { code?: string; message?: string }) => {
      const code = (e.code ?? 'unknown').toLowerCase().replace(/_/g, ' ');
      return `${code}: ${e.message ?? code}`;
    };
    if (errs.length === 1) return one(errs[0]!);
    return `errors:\n${errs.map(one).join('\n')}\n`;
  }
  if (parsed?.details) return status === 401 ? `unauthorized: ${parsed.details}` : parsed.details;
  const text = body.toString('utf8').trim();
  if (status === 401) return 'unauthorized: authentication required';
  if (status === 403) return 'denied: requested access to the resource is denied';
  return text && text.length < 300 && !text.startsWith('<') ? text : `unexpected status from registry: ${status} ${statusText(status)}`;
}

function statusText(status: number): string {
  const t: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
  return t[status] ?? '';
}

const CODE = Symbol('registryCode');

/**
 * The errdefs class for a registry status, carrying the registry's first error code (see
 * {@link registryCodeOf}); with a `prefix`, the error without it is the `cause`.
 */
export function registryError(status: number, body: Buffer, prefix = ''): BerthError {
  const bare = prefix ? registryError(status, body) : undefined;
  const msg = prefix + registryErrorText(status, body);
  const opts = bare ? { cause: bare } : undefined;
  const e =
    status === 401 ? new Unauthorized(msg, opts)
    : status === 403 ? new Forbidden(msg, opts)
    : status === 404 ? new NotFound(msg, opts)
    : status === 400 || status === 405 || status === 413 ? new InvalidArgument(msg, opts)
    : status >= 500 ? new Unavailable(msg, opts)
    : new SystemError(msg, opts);
  const code = registryErrorCode(body);
  if (code) Object.defineProperty(e, CODE, { value: code });
  return e;
}

/** The registry's error code (`DENIED`, `NAME_UNKNOWN`, …) behind an error of {@link registryError}. */
export function registryCodeOf(e: unknown): string | undefined {
  return e && typeof e === 'object' ? (e as { [CODE]?: string })[CODE] : undefined;
}

/** The first registry error code in a body (`MANIFEST_UNKNOWN`), if any. */
export function registryErrorCode(body: Buffer): string | undefined {
  try {
    return (JSON.parse(body.toString('utf8')) as RegistryErrorBody).errors?.[0]?.code;
  } catch {
    return undefined;
  }
}
