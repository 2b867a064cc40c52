/**
 * @module registry/transport
 * HTTP for registries on Node's http/https: keep-alive agents per endpoint (with certs.d CAs),
 * HTTPS then plain HTTP for insecure hosts (the working scheme remembered), redirects (the
 * `Authorization` header only goes to the same host), and retries with exponential backoff on
 * connection errors and 5xx answers when the request can be sent again.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Cancelled, Unavailable } from '../errdefs/index.js';
import { logger } from '../util/log.js';
import { dialErrorText } from '../util/go-net-error.js';
import type { Endpoint } from './hosts.js';

const log = logger('registry');

/** A request body: bytes, or a function giving the same bytes again for each attempt. */
export type Body = Buffer | (() => AsyncIterable<Buffer> | Readable);

export interface RequestInit {
  method: string;
  headers?: Record<string, string>;
  body?: Body;
  signal?: AbortSignal;
  /** Attempts on connection errors and 5xx (default 5; 1 = no retry). */
  attempts?: number;
  /** Return 3xx answers instead of following them. */
  noRedirect?: boolean;
  /**
   * The path a connection error names instead of the request's: dockerd pings `/v2/` before
   * it pulls, so that is the request that meets a registry nobody answers at.
   */
  errorPath?: string;
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** The URL that answered (after redirects). */
  url: URL;
}

/** Reads a whole (small) response body. */
export async function readAll(res: { body: AsyncIterable<Buffer> }, limit = 64 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res.body) {
    n += c.length;
    if (n > limit) throw new Unavailable(`registry response larger than ${limit} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks, n);
}

/** Discards a response body so the connection can be reused. */
export function drain(res: Response): void {
  res.body.resume();
}

const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED']);

export function isRetryableError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return (code !== undefined && RETRYABLE_CODES.has(code)) || /socket hang up|aborted/i.test((e as Error)?.message ?? '');
}

/** Backoff before attempt `n` (1-based, n ≥ 2): 250 ms doubling up to 4 s. */
export function backoffMs(n: number): number {
  return Math.min(4000, 250 * 2 ** (n - 2));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Cancelled('cancelled'));
    }, { once: true });
  });
}

export class Transport {
  readonly #agents = new Map<string, http.Agent>();
  /** Endpoint base → the base that works (plain HTTP after an HTTPS failure on an insecure host). */
  readonly #schemes = new Map<string, string>();

  #agent(url: URL, ep: Endpoint | undefined): http.Agent {
    const tls = url.protocol === 'https:';
    const key = `${url.protocol}//${url.host}|${ep?.insecureTls ? 'i' : ''}|${ep?.ca ? 'ca' : ''}`;
    let a = this.#agents.get(key);
    if (!a) {
      const common = { keepAlive: true, maxSockets: 16, keepAliveMsecs: 10_000 };
      a = tls
        ? new https.Agent({ ...common, ...(ep?.insecureTls ? { rejectUnauthorized: false } : {}), ...(ep?.ca ? { ca: ep.ca } : {}) })
        : new http.Agent(common);
      this.#agents.set(key, a);
    }
    return a;
  }

  /** The base URL to use for an endpoint now. */
  baseOf(ep: Endpoint): string {
    return this.#schemes.get(ep.base) ?? ep.base;
  }

  /** One request, no retries; follows redirects unless told not to. */
  async #once(url: URL, init: RequestInit, ep: Endpoint | undefined, epHost: string): Promise<Response> {
    const origin = url.host;
    for (let hops = 0; ; hops++) {
      const res = await this.#raw(url, init, url.host === epHost ? ep : undefined, url.host === origin);
      const loc = res.headers.location;
      if (init.noRedirect || res.status < 300 || res.status >= 400 || res.status === 304 || !loc || hops >= 5) return res;
      drain(res);
      const next = new URL(loc, url);
      if (init.method !== 'GET' && init.method !== 'HEAD' && res.status !== 307 && res.status !== 308) return res;
      url = next;
    }
  }

  /** `sameHost`: the request's own host (not a redirect elsewhere), which may get the credentials. */
  #raw(url: URL, init: RequestInit, ep: Endpoint | undefined, sameHost: boolean): Promise<Response> {
    const headers: Record<string, string> = { 'User-Agent': 'berth/0.1 (docker-compatible)', ...init.headers };
    if (!sameHost) delete headers.Authorization;
    const body = init.body;
    if (Buffer.isBuffer(body)) headers['Content-Length'] = String(body.length);
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const req = mod.request(url, { method: init.method, headers, agent: this.#agent(url, ep), signal: init.signal });
      req.once('response', (r) => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: r, url }));
      req.once('error', reject);
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        const src = body();
        pipeline(src instanceof Readable ? src : Readable.from(src, { objectMode: false }), req).catch((e: unknown) => {
          req.destroy(e as Error);
          reject(e as Error);
        });
      }
    });
  }

  /**
   * Sends a request to `pathOrUrl` (a path below the endpoint's base, or an absolute URL from a
   * `Location` header), retrying on connection errors and 5xx answers.
   */
  async request(ep: Endpoint, pathOrUrl: string, init: RequestInit): Promise<Response> {
    const attempts = init.attempts ?? 5;
    let last: unknown;
    for (let n = 1; n <= attempts; n++) {
      if (n > 1) await sleep(backoffMs(n), init.signal);
      const base = this.baseOf(ep);
      const url = /^https?:\/\//.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(base + pathOrUrl);
      try {
        const res = await this.#once(url, init, ep, new URL(base).host);
        if (res.status >= 500 && res.status !== 501 && n < attempts) {
          drain(res);
          last = new Unavailable(`${init.method} ${url.href}: ${res.status}`);
          log.debug('registry answered with a server error, retrying', { url: url.href, status: res.status, attempt: n });
          continue;
        }
        return res;
      } catch (e) {
        if (init.signal?.aborted) throw new Cancelled('cancelled', { cause: e });
        // An insecure host that does not speak TLS: plain HTTP from now on (dockerd's fallback).
        // A request that raced the one that found out is sent again over HTTP at once.
        if (ep.allowHttp && url.protocol === 'https:' && base === ep.base) {
          if (!this.#schemes.has(ep.base)) {
            this.#schemes.set(ep.base, ep.base.replace(/^https:/, 'http:'));
            log.debug('falling back to plain HTTP', { endpoint: ep.base, error: (e as Error).message });
          }
          n--;
          continue;
        }
        last = e;
        if (!isRetryableError(e)) break;
        log.debug('registry request failed, retrying', { url: url.href, error: (e as Error).message, attempt: n });
      }
    }
    if (last instanceof Unavailable) throw last;
    const url = init.errorPath !== undefined ? this.baseOf(ep) + init.errorPath : /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : this.baseOf(ep) + pathOrUrl;
    const why = dialErrorText(last);
    // Go's url.Error names the method as `Get`, `Post`, `Put`…
    const op = init.method.charAt(0) + init.method.slice(1).toLowerCase();
    throw new Unavailable(`${op} "${url}": ${why}`, { cause: last });
  }

  close(): void {
    for (const a of this.#agents.values()) a.destroy();
    this.#agents.clear();
  }
}
