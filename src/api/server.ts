/**
 * @module api/server
 * The Engine API HTTP server: version prefix handling, Docker's common headers, JSON errors,
 * and both plain and upgraded (hijacked) requests dispatched through one router.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { InvalidArgument, NotModified } from '../errdefs/index.js';
import { logger } from '../util/log.js';
import { Ctx, commonHeaders } from './context.js';
import { errorBody, setPrivateRoots, statusOf } from './errors.js';
import { Router, type Route } from './router.js';
import { API_VERSION, MIN_API_VERSION, compareVersions, splitVersion } from './version.js';

const log = logger('api');

export interface ApiServerOptions {
  routes: Route[];
  /** berth's own version, for the Server header. */
  serverVersion: string;
  /** Directories whose host paths error messages never show (see errors.ts). */
  privateRoots?: { dataRoot?: string; execRoot?: string };
}

export function createApiServer(opts: ApiServerOptions): Server {
  commonHeaders['Api-Version'] = API_VERSION;
  commonHeaders['Server'] = `Berth/${opts.serverVersion} (linux)`;
  const router = new Router(opts.routes);
  if (opts.privateRoots) setPrivateRoots(opts.privateRoots);
  // dockerode copies whole create bodies into the query string: allow large headers.
  const server = createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    for (const [k, v] of Object.entries(commonHeaders)) res.setHeader(k, v);
    void dispatch(router, req, res, undefined, undefined);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    void dispatch(router, req, undefined, socket, head);
  });
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
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
