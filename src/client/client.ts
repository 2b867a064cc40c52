/**
 * @module client/client
 * An Engine API client over a unix socket (or TCP): JSON calls, raw responses for streams,
 * newline-delimited JSON message streams, and hijacked connections (attach, exec) with
 * `Upgrade: tcp`. Errors from the daemon become errdefs classes carrying the HTTP status and
 * the daemon's message, which the CLI prints as `Error response from daemon: …`.
 */
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import {
  BerthError, Conflict, FailedPrecondition, Forbidden, InvalidArgument, NotFound, NotModified, SystemError, Unauthorized, Unavailable,
} from '../errdefs/index.js';
import { parseHost, type Endpoint } from '../util/endpoint.js';

export const CLIENT_API_VERSION = '1.41';

/** A daemon error: the HTTP status and the daemon's own message. */
export interface DaemonError extends BerthError {
  status: number;
}

function daemonError(status: number, message: string): DaemonError {
  const Cls =
    status === 304 ? NotModified
    : status === 400 ? InvalidArgument
    : status === 401 ? Unauthorized
    : status === 403 ? Forbidden
    : status === 404 ? NotFound
    : status === 409 ? Conflict
    : status === 412 ? FailedPrecondition
    : status === 503 ? Unavailable
    : SystemError;
  const e = new Cls(message) as DaemonError;
  e.status = status;
  return e;
}

export function isDaemonError(e: unknown): e is DaemonError {
  return e instanceof BerthError && typeof (e as DaemonError).status === 'number';
}

/** Thrown when nothing answers at the endpoint. */
export class ConnectError extends Unavailable {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.code = code;
  }
}

export type QueryValue = string | number | boolean | undefined | null | string[] | Record<string, unknown>;

export interface CallOptions {
  query?: Record<string, QueryValue>;
  /** A JSON value, a Buffer/string, or a stream (sent chunked). */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class Client {
  readonly endpoint: Endpoint;
  readonly hostString: string;
  #version = CLIENT_API_VERSION;
  /**
   * Its own connections, so that close() ends exactly this client's requests; or connections
   * shared with other clients (the CLI host's, kept open between commands), and then close()
   * ends this client's requests one by one.
   */
  readonly #agent: Agent;
  readonly #sharedAgent: boolean;
  readonly #requests = new Set<ClientRequest>();
  readonly #hijacked = new Set<Socket>();

  /**
   * Called when a request finds no daemon listening (the socket missing or refusing): starts
   * one; the request is then sent again. Until a request has reached the daemon, a request
   * whose body cannot be sent twice (a stream) or a hijack asks `/_ping` first.
   */
  #start: (() => Promise<void>) | undefined;
  #starting: Promise<void> | undefined;
  #reached = false;

  constructor(host: string, opts: { startDaemon?: () => Promise<void>; agent?: Agent } = {}) {
    this.hostString = host;
    this.endpoint = parseHost(host);
    this.#start = opts.startDaemon;
    this.#agent = opts.agent ?? new Agent({ keepAlive: true });
    this.#sharedAgent = opts.agent !== undefined;
  }

  /** A request of this client's, until it is over. */
  #track(req: ClientRequest): ClientRequest {
    this.#requests.add(req);
    req.once('close', () => this.#requests.delete(req));
    return req;
  }

  /** Starts the daemon once, for every request that found none. */
  #startOnce(): Promise<void> {
    this.#starting ??= this.#start!();
    return this.#starting;
  }

  /** Before a request that cannot be repeated: makes sure a daemon listens (starting one if need be). */
  async #ensureReachable(): Promise<void> {
    if (!this.#start || this.#reached) return;
    try {
      await this.ping();
    } catch (e) {
      if (!isNotListening(e)) throw e;
      await this.#startOnce();
    }
  }

  /** Ends every connection of this client, pending requests and hijacked streams included. */
  close(): void {
    if (this.#sharedAgent) for (const r of this.#requests) r.destroy();
    else this.#agent.destroy();
    this.#requests.clear();
    for (const s of this.#hijacked) s.destroy();
    this.#hijacked.clear();
  }

  path(p: string, query?: Record<string, QueryValue>): string {
    let s = `/v${this.#version}${p}`;
    if (query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) {
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
        else if (typeof v === 'object') q.set(k, JSON.stringify(v));
        else if (typeof v === 'boolean') q.set(k, v ? '1' : '0');
        else q.set(k, String(v));
      }
      const qs = q.toString();
      if (qs) s += `?${qs}`;
    }
    return s;
  }

  #options(method: string, path: string, headers: Record<string, string>): RequestOptions {
    return { ...this.endpoint, method, path, headers: { Host: 'berth', ...headers }, agent: this.#agent };
  }

  /** Sends a request; resolves with the response once headers arrive; throws daemon errors. */
  async request(method: string, p: string, opts: CallOptions = {}): Promise<IncomingMessage> {
    if (opts.body instanceof Readable) {
      await this.#ensureReachable();
      return this.#request(method, p, opts);
    }
    try {
      return await this.#request(method, p, opts);
    } catch (e) {
      if (!this.#start || this.#reached || !isNotListening(e)) throw e;
      await this.#startOnce();
      return this.#request(method, p, opts);
    }
  }

  async #request(method: string, p: string, opts: CallOptions, retried = false): Promise<IncomingMessage> {
    const headers: Record<string, string> = { ...opts.headers };
    let body: Buffer | Readable | undefined;
    if (opts.body instanceof Readable) body = opts.body;
    else if (Buffer.isBuffer(opts.body)) body = opts.body;
    else if (typeof opts.body === 'string') body = Buffer.from(opts.body);
    else if (opts.body !== undefined) {
      body = Buffer.from(JSON.stringify(opts.body));
      headers['Content-Type'] ??= 'application/json';
    }
    if (Buffer.isBuffer(body)) headers['Content-Length'] = String(body.length);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = this.#track(
        httpRequest(this.#options(method, this.path(p, opts.query), headers), (res) => {
          this.#reached = true;
          resolve(res);
        }),
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES') {
          reject(new ConnectError(`Cannot connect to the berth daemon at ${this.hostString}. Is the berth daemon running?`, e.code, e));
        } else if (req.reusedSocket && !retried && !(body instanceof Readable) && !opts.signal?.aborted && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
          // A kept connection the daemon closed (it stopped, or dropped it idle) as this request
          // went out on it: nothing was answered, so the request goes again on a new connection.
          reject(new StaleConnection(e));
        } else reject(e);
      });
      if (opts.signal) opts.signal.addEventListener('abort', () => req.destroy(), { once: true });
      if (body instanceof Readable) {
        body.on('error', (e) => req.destroy(e));
        body.pipe(req);
      } else req.end(body);
    }).catch((e: unknown) => {
      if (e instanceof StaleConnection) return this.#request(method, p, opts, true);
      throw e;
    });
    if ((res.statusCode ?? 500) >= 300 && res.statusCode !== 101) {
      const text = await readAll(res);
      let message = text.toString('utf8').trim();
      try {
        const j = JSON.parse(message) as { message?: string };
        if (typeof j.message === 'string') message = j.message;
      } catch {
        /* not JSON: keep the text */
      }
      throw daemonError(res.statusCode ?? 500, message);
    }
    return res;
  }

  async json<T>(method: string, p: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.request(method, p, opts);
    const buf = await readAll(res);
    if (buf.length === 0) return undefined as T;
    return JSON.parse(buf.toString('utf8')) as T;
  }

  /** Reads a JSON message stream (build, pull, load), calling `onMessage` for each object. */
  async jsonStream(method: string, p: string, opts: CallOptions, onMessage: (m: Record<string, unknown>) => void): Promise<void> {
    const res = await this.request(method, p, opts);
    let pending = '';
    for await (const chunk of res) {
      pending += (chunk as Buffer).toString('utf8');
      let idx: number;
      while ((idx = pending.search(/\r?\n/)) >= 0) {
        const line = pending.slice(0, idx).trim();
        pending = pending.slice(idx + (pending[idx] === '\r' ? 2 : 1));
        if (line) onMessage(JSON.parse(line) as Record<string, unknown>);
      }
    }
    if (pending.trim()) onMessage(JSON.parse(pending) as Record<string, unknown>);
  }

  /** HEAD /_ping: resolves with the response headers. */
  async ping(): Promise<IncomingMessage['headers']> {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = this.#track(httpRequest(this.#options('HEAD', '/_ping', {}), resolve));
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(new ConnectError(`Cannot connect to the berth daemon at ${this.hostString}. Is the berth daemon running?`, e.code, e)),
      );
      req.setTimeout(5000, () => req.destroy(Object.assign(new Error('ping timed out'), { code: 'ETIMEDOUT' })));
      req.end();
    });
    res.resume();
    this.#reached = true;
    return res.headers;
  }

  /**
   * Opens a hijacked connection (`Upgrade: tcp`): resolves with the raw socket once the daemon
   * answers 101, with any bytes that arrived with the headers pushed back onto it.
   */
  async hijack(method: string, p: string, opts: CallOptions = {}): Promise<Socket> {
    await this.#ensureReachable();
    const headers: Record<string, string> = { Connection: 'Upgrade', Upgrade: 'tcp', ...opts.headers };
    let body: Buffer | undefined;
    if (opts.body !== undefined) {
      body = Buffer.from(JSON.stringify(opts.body));
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(body.length);
    }
    return new Promise<Socket>((resolve, reject) => {
      const req = this.#track(httpRequest(this.#options(method, this.path(p, opts.query), headers)));
      req.on('upgrade', (_res, socket, head) => {
        // Yours now: no idle timeout of the agent's (the CLI host's drops idle connections).
        socket.setTimeout(0);
        if (head.length) socket.unshift(head);
        this.#hijacked.add(socket);
        socket.once('close', () => this.#hijacked.delete(socket));
        resolve(socket);
      });
      req.on('response', (res) => {
        void readAll(res).then((buf) => {
          let message = buf.toString('utf8').trim();
          try {
            message = (JSON.parse(message) as { message: string }).message ?? message;
          } catch {
            /* keep text */
          }
          reject(daemonError(res.statusCode ?? 500, message));
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(new ConnectError(`Cannot connect to the berth daemon at ${this.hostString}. Is the berth daemon running?`, e.code, e)),
      );
      req.end(body);
    });
  }
}

/** A request that failed on a kept connection the daemon had closed; it is sent again. */
class StaleConnection extends Error {
  constructor(cause: Error) {
    super('the daemon closed a kept connection', { cause });
  }
}

/** A connection error that means nothing listens at the socket (so a daemon can be started). */
function isNotListening(e: unknown): boolean {
  return e instanceof ConnectError && (e.code === 'ENOENT' || e.code === 'ECONNREFUSED');
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}
