/**
 * @module api/context
 * One API request as a handler sees it: path parameters, query, body, and the ways to answer —
 * a JSON value, no content, a chunked stream, or a hijacked raw connection (attach, exec).
 *
 * Hijack works for both shapes clients use: with `Upgrade: tcp` (docker CLI) the server gets
 * the socket on Node's 'upgrade' event and answers `101 UPGRADED`; without it (dockerode's
 * default) the reply is `200` with `application/vnd.docker.raw-stream` and the request body is
 * the input. An upgraded request's own body (exec start JSON) is read off the socket first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex, Writable } from 'node:stream';
import { PassThrough, Readable } from 'node:stream';
import { InvalidArgument } from '../errdefs/index.js';
import { Query } from './query.js';
import { decodeBody, type Schema } from './schema.js';

export const commonHeaders: Record<string, string> = {
  'Api-Version': '',
  'Docker-Experimental': 'false',
  Ostype: 'linux',
  Server: '',
};

/** A raw two-way stream handed to attach/exec handlers. */
export interface Hijacked {
  /** Bytes from the client (container stdin). Ends when the client half-closes. */
  readonly input: Readable;
  /** Bytes to the client. */
  readonly output: Writable;
  /** Ends the connection. */
  close(): void;
}

/** Why a request's signal was aborted: its client went away. */
export class ClientGone extends Error {
  override name = 'AbortError';
}

const clientGone = () => new ClientGone('the client closed the connection');

export class Ctx {
  readonly req: IncomingMessage;
  readonly method: string;
  /** Path without the `/vX.Y` prefix. */
  readonly path: string;
  readonly apiVersion: string;
  readonly query: Query;
  params: Record<string, string> = {};
  readonly #res: ServerResponse | undefined;
  readonly #socket: Duplex | undefined;
  #head: Buffer | undefined;
  #responded = false;
  #bodyRead = false;
  #abort: AbortController | undefined;
  #closed = false;

  constructor(init: {
    req: IncomingMessage;
    path: string;
    apiVersion: string;
    res?: ServerResponse;
    socket?: Duplex;
    head?: Buffer;
  }) {
    this.req = init.req;
    this.method = (init.req.method ?? 'GET').toUpperCase();
    this.path = init.path;
    this.apiVersion = init.apiVersion;
    this.query = new Query(new URL(init.req.url ?? '/', 'http://berth').searchParams);
    this.#res = init.res;
    this.#socket = init.socket;
    this.#head = init.head;
    const onClose = () => {
      this.#closed = true;
      // Made only when a handler asked for it; aborted with an Error of ours (the DOMException
      // an abort makes by default costs more than many a request's whole handling).
      this.#abort?.abort(clientGone());
    };
    if (this.#res) this.#res.on('close', onClose);
    if (this.#socket) this.#socket.on('close', onClose);
  }

  /** Aborted when the client goes away. */
  get signal(): AbortSignal {
    if (!this.#abort) {
      this.#abort = new AbortController();
      if (this.#closed) this.#abort.abort(clientGone());
    }
    return this.#abort.signal;
  }

  get upgraded(): boolean {
    return this.#socket !== undefined;
  }

  get responded(): boolean {
    return this.#responded;
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  }

  /** The request body as a stream (tar uploads). For upgraded requests: Content-Length bytes. */
  bodyStream(): Readable {
    if (this.#bodyRead) throw new InvalidArgument('request body already consumed');
    this.#bodyRead = true;
    if (!this.#socket) return this.req;
    const len = Number(this.header('content-length') ?? 0);
    const out = new PassThrough();
    this.#readFromSocket(len, out);
    return out;
  }

  #readFromSocket(len: number, out: PassThrough): void {
    const socket = this.#socket!;
    let remaining = len;
    const take = (chunk: Buffer): Buffer => {
      const n = Math.min(remaining, chunk.length);
      if (n > 0) out.write(chunk.subarray(0, n));
      remaining -= n;
      return chunk.subarray(n);
    };
    const head = this.#head ?? Buffer.alloc(0);
    this.#head = take(head);
    if (remaining === 0) {
      out.end();
      return;
    }
    const onData = (chunk: Buffer) => {
      const rest = take(chunk);
      if (remaining === 0) {
        socket.off('data', onData);
        socket.pause();
        if (rest.length) socket.unshift(rest);
        out.end();
      }
    };
    socket.on('data', onData);
    socket.once('end', () => out.end());
  }

  async body(limit = 64 << 20): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of this.bodyStream()) {
      size += (c as Buffer).length;
      if (size > limit) throw new InvalidArgument(`request body larger than ${limit} bytes`);
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /**
   * The JSON body checked against `schema` (api/schema.ts): a value of the wrong type is a 400
   * in Go's words, never a handler's TypeError. `{}` for an empty body (Docker accepts empty
   * bodies for optional configs).
   */
  async json<T>(schema: Schema): Promise<T> {
    const buf = await this.body();
    if (buf.length === 0 || buf.toString().trim() === '') return {} as T;
    let v: unknown;
    try {
      v = JSON.parse(buf.toString('utf8'));
    } catch (e) {
      throw new InvalidArgument(`invalid JSON: ${(e as Error).message}`, { cause: e });
    }
    return decodeBody<T>(v, schema);
  }

  #mustRespond(): ServerResponse {
    if (!this.#res) throw new InvalidArgument('this endpoint does not accept a connection upgrade');
    this.#responded = true;
    return this.#res;
  }

  /** Answers with a JSON value. */
  send(status: number, value?: unknown): void {
    if (this.#socket && !this.#res) {
      this.#writeRawResponse(status, value);
      return;
    }
    const res = this.#mustRespond();
    if (value === undefined) {
      res.writeHead(status);
      res.end();
      return;
    }
    const body = JSON.stringify(value) + '\n';
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  /** For an upgraded request that fails before hijacking: a plain HTTP reply on the socket. */
  #writeRawResponse(status: number, value: unknown): void {
    this.#responded = true;
    const body = value === undefined ? '' : JSON.stringify(value) + '\n';
    const socket = this.#socket!;
    socket.end(
      `HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nApi-Version: ${commonHeaders['Api-Version']}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }

  noContent(): void {
    this.send(204);
  }

  /** Answers with bytes or text of a given content type. */
  sendBytes(status: number, body: string | Buffer, contentType: string, headers: Record<string, string> = {}): void {
    const res = this.#mustRespond();
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  /**
   * Starts a chunked response and flushes its headers at once (clients such as the docker CLI
   * wait for the headers of /wait before they send /start), or with `withFirstWrite`, with the
   * first bytes written (for streams that start with their first message). Returns the body writer.
   */
  startStream(status: number, contentType: string, headers: Record<string, string> = {}, opts: { withFirstWrite?: boolean } = {}): Writable {
    const res = this.#mustRespond();
    res.writeHead(status, { 'Content-Type': contentType, ...headers });
    // A stream that starts with its first message sends the headers with it; one that may wait
    // (events, logs -f) sends them now, so that the client knows it is under way.
    if (!opts.withFirstWrite) res.flushHeaders();
    return res;
  }

  /** Writes one JSON message of a JSON stream (build, pull, push, load progress). */
  static writeJsonMessage(out: Writable, msg: unknown): boolean {
    return out.write(JSON.stringify(msg) + '\r\n');
  }

  /** Takes over the connection for raw two-way streaming. */
  hijack(contentType = 'application/vnd.docker.raw-stream'): Hijacked {
    this.#responded = true;
    if (this.#socket) {
      const socket = this.#socket;
      // Whatever follows the request body on the socket is stdin.
      if (!this.#bodyRead) {
        const len = Number(this.header('content-length') ?? 0);
        if (len > 0) this.bodyStream().resume();
        else this.#bodyRead = true;
      }
      socket.write(
        `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
          `Api-Version: ${commonHeaders['Api-Version']}\r\n\r\n`,
      );
      const input = new PassThrough();
      const rest = this.#head && this.#head.length ? this.#head : undefined;
      this.#head = undefined;
      if (rest) input.write(rest);
      socket.pipe(input);
      socket.resume();
      return {
        input,
        output: socket,
        close: () => socket.end(),
      };
    }
    const res = this.#res!;
    res.writeHead(200, { 'Content-Type': contentType });
    res.flushHeaders();
    const input = this.#bodyRead ? Readable.from([]) : this.bodyStream();
    return { input, output: res, close: () => res.end() };
  }
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request',
    401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return texts[status] ?? 'Unknown';
}
