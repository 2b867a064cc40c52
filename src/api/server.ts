/**
 * @module api/server
 * The Engine API HTTP server: version prefix handling, Docker's common headers, JSON errors,
 * and both plain and upgraded (hijacked) requests dispatched through one router.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { InvalidArgument, NotModified } from '../errdefs/index.js';
import { logger } from '../util/log.js';
import { Ctx, commonHeaders } from './context.js';
import { errorBody, setPrivateRoots, statusOf } from './errors.js';
import { Router, type Route } from './router.js';
import { API_VERSION, MIN_API_VERSION } from '../util/version.js';
import { compareVersions, splitVersion } from './version.js';

const log = logger('api');

export interface ApiServerOptions {
  routes: Route[];
  /** berth's own version, for the Server header. */
  serverVersion: string;
  /** Serve HTTPS (TCP hosts with --tls): PEM key, certificate, and CA when clients are verified. */
  tls?: { key: Buffer; cert: Buffer; ca?: Buffer; verify: boolean };
  /** Directories whose host paths error messages never show (see errors.ts). */
  privateRoots?: { dataRoot?: string; execRoot?: string };
}

/**
 * How long a client has to send a request's headers (from the connection's start, or the end
 * of the previous request): an idle or stalled connection is dropped after it. The body is
 * not timed (build contexts and image loads stream for as long as they take), nor is a
 * hijacked connection (attach, exec), which leaves the HTTP parser.
 */
export const HEADERS_TIMEOUT_MS = 5_000;

export function createApiServer(opts: ApiServerOptions): Server | HttpsServer {
  commonHeaders['Api-Version'] = API_VERSION;
  commonHeaders['Server'] = `Berth/${opts.serverVersion} (linux)`;
  const router = new Router(opts.routes);
  if (opts.privateRoots) setPrivateRoots(opts.privateRoots);
  // dockerode copies whole create bodies into the query string: allow large headers.
  // Timeouts are checked every second, so a stalled client goes within a second of its limit.
  const serverOpts = { maxHeaderSize: 1 << 20, connectionsCheckingInterval: 1_000 };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(commonHeaders)) res.setHeader(k, v);
    void dispatch(router, req, res, undefined, undefined);
  };
  const t = opts.tls;
  const server = t
    ? createHttpsServer({ ...serverOpts, key: t.key, cert: t.cert, ...(t.ca ? { ca: t.ca } : {}), requestCert: t.verify, rejectUnauthorized: t.verify }, handle)
    : createServer(serverOpts, handle);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    void dispatch(router, req, undefined, socket, head);
  });
  server.requestTimeout = 0;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.keepAliveTimeout = 5_000;
  server.timeout = 0;
  return server;
}

async function dispatch(
  router: Router,
  req: IncomingMessage,
  res: ServerResponse | undefined,
  socket: Duplex | undefined,
  head: Buffer | undefined,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://berth');
  const { version, path } = splitVersion(url.pathname);
  const ctx = new Ctx({ req, res, socket, head, path, apiVersion: version ?? API_VERSION });
  const started = Date.now();
  try {
    if (version !== undefined) {
      if (compareVersions(version, API_VERSION) > 0) {
        throw new InvalidArgument(
          `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`,
        );
      }
      if (compareVersions(version, MIN_API_VERSION) < 0) {
        throw new InvalidArgument(
          `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, ` +
            'please upgrade your client to a newer version',
        );
      }
    }
    const m = router.match(ctx.method, path);
    if (!m) {
      ctx.send(404, { message: 'page not found' });
      return;
    }
    ctx.params = m.params;
    await m.route.handler(ctx);
  } catch (e) {
    const status = statusOf(e);
    if (status >= 500) log.error('request failed', { method: ctx.method, path, error: String(e), stack: (e as Error)?.stack });
    else log.debug('request error', { method: ctx.method, path, status, error: String(e) });
    if (!ctx.responded) {
      if (e instanceof NotModified) ctx.send(304);
      else ctx.send(status, errorBody(e));
    } else {
      res?.end();
      socket?.end();
    }
  } finally {
    log.debug('request', { method: ctx.method, path: url.pathname, ms: Date.now() - started });
  }
}
