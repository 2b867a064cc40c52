/**
 * @module util/http-get
 * A GET of a URL given by a user (ADD's remote source, `docker import URL`) as dockerd's
 * GetWithStatusError makes it: Go's http client (any port, up to 10 redirects followed), a
 * connection error as Go words it (`Get "URL": dial tcp …`), and a status of 400 or more as
 * `failed to GET URL with status 404 Not Found: BODY` (the body trimmed), with the errdefs
 * class of the status. (`fetch` refuses the Fetch standard's "bad ports", 1, 6000, 6666…,
 * which dockerd serves like any other.)
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Forbidden, InvalidArgument, NotFound, SystemError, Unauthorized } from '../errdefs/index.js';
import { getErrorText } from './go-net-error.js';

/** Bytes of an error body kept in the message. */
const MAX_ERROR_BODY = 64 << 10;
/** Go's http.Client stops after 10 redirects. */
const MAX_REDIRECTS = 10;

export interface HttpGetResponse {
  /** The URL that answered (after redirects). */
  url: URL;
  status: number;
  /** A header's value (lowercase name). */
  header(name: string): string | undefined;
  body: IncomingMessage;
}

function once(url: URL, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', ...(signal ? { signal } : {}) });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

async function readText(body: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size < MAX_ERROR_BODY) parts.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(parts).subarray(0, MAX_ERROR_BODY).toString('utf8');
}

export async function getWithStatusError(address: string, init: { signal?: AbortSignal } = {}): Promise<HttpGetResponse> {
  let url: URL;
  try {
    url = new URL(address);
  } catch (e) {
    throw new InvalidArgument(`Get "${address}": ${(e as Error).message}`, { cause: e });
  }
  let res: IncomingMessage;
  for (let hops = 0; ; hops++) {
    try {
      res = await once(url, init.signal);
    } catch (e) {
      if (init.signal?.aborted) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      const Class = code === 'ENOTFOUND' || code === 'EAI_NONAME' ? NotFound : SystemError;
      throw new Class(getErrorText(address, e), { cause: e });
    }
    const loc = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.statusCode ?? 0) || !loc) break;
    res.resume();
    if (hops + 1 >= MAX_REDIRECTS) throw new SystemError(`Get "${new URL(loc, url).href}": stopped after ${MAX_REDIRECTS} redirects`);
    url = new URL(loc, url);
  }
  const status = res.statusCode ?? 0;
  const headers = res.headers;
  if (status < 400) {
    return { url, status, header: (n) => { const v = headers[n]; return Array.isArray(v) ? v[0] : v; }, body: res };
  }
  let msg = `failed to GET ${address} with status ${status} ${res.statusMessage ?? ''}`;
  try {
    msg += `: ${(await readText(res)).trim()}`;
  } catch {
    msg += ': error reading body';
  }
  if (status === 404) throw new NotFound(msg);
  if (status === 400) throw new InvalidArgument(msg);
  if (status === 401) throw new Unauthorized(msg);
  if (status === 403) throw new Forbidden(msg);
  throw new SystemError(msg);
}
