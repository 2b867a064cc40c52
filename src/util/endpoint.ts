/**
 * @module util/endpoint
 * Where an Engine API listens or is reached: a unix socket path or a TCP host and port, from
 * docker's `-H` syntax. The daemon listens on it; the client dials it.
 */
import { InvalidArgument } from '../errdefs/index.js';

export type Endpoint = { socketPath: string } | { host: string; port: number };

/** Parses `unix:///path`, `tcp://host:port` or a bare socket path. */
export function parseHost(h: string): Endpoint {
  if (h.startsWith('unix://')) return { socketPath: h.slice('unix://'.length) };
  if (h.startsWith('tcp://') || h.startsWith('http://')) {
    const u = new URL(h.replace(/^tcp:/, 'http:'));
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 2375) };
  }
  if (h.startsWith('/')) return { socketPath: h };
  throw new InvalidArgument(`invalid host "${h}": use unix:///path or tcp://host:port`);
}
