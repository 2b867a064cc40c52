/**
 * @module registry/hosts
 * Where a registry host is reached, as dockerd decides it:
 * - docker.io (and index.docker.io) is `registry-1.docker.io`, after the configured mirrors;
 * - hosts in `insecure-registries` (names or CIDRs), `localhost` and 127.0.0.0/8 / ::1 may use
 *   plain HTTP: HTTPS is tried first without certificate checks, then HTTP;
 * - every other host is HTTPS with the system CAs plus `<certsDir>/<host[:port]>/ca.crt`
 *   (and `*.crt` there), Docker's certs.d layout.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { InvalidArgument } from '../errdefs/index.js';
import type { RegistryOptions } from './types.js';

export const DOCKER_HUB_HOST = 'docker.io';
export const DOCKER_HUB_ENDPOINT = 'https://registry-1.docker.io';
/** The server address `docker login` uses for Docker Hub. */
export const DOCKER_HUB_AUTH_SERVER = 'https://index.docker.io/v1/';

export interface Endpoint {
  /** `https://host:port` or `http://host:port`, no trailing slash. */
  base: string;
  /** The host as references name it. */
  host: string;
  mirror: boolean;
  /** TLS: skip certificate verification (insecure registries). */
  insecureTls: boolean;
  /** Extra CAs from certs.d (with the system ones), when any. */
  ca?: string[];
  /** Whether plain HTTP may be tried when HTTPS fails. */
  allowHttp: boolean;
}

/** Splits `host[:port]`, including `[::1]:5000`. */
export function splitHostPort(hostPort: string): { hostname: string; port?: string } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort) ?? /^([^:]+)(?::(\d+))?$/.exec(hostPort);
  if (!m) return { hostname: hostPort };
  return m[2] ? { hostname: m[1]!, port: m[2] } : { hostname: m[1]! };
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsStr] = cidr.split('/');
  const bits = Number(bitsStr);
  if (isIP(ip) === 4 && isIP(net!) === 4) {
    if (bits === 0) return true;
    const mask = bits >= 32 ? 0xffffffff : (~0 << (32 - bits)) >>> 0;
    return ((ipv4ToInt(ip) & mask) >>> 0) === ((ipv4ToInt(net!) & mask) >>> 0);
  }
  if (isIP(ip) === 6 && isIP(net!) === 6) return bits === 128 && ip === net;
  return false;
}

/** Whether a host may be spoken to without verified TLS. */
export function isInsecure(host: string, insecure: string[]): boolean {
  const { hostname } = splitHostPort(host);
  if (hostname === 'localhost' || hostname === '::1' || (isIP(hostname) === 4 && inCidr(hostname, '127.0.0.0/8'))) return true;
  for (const entry of insecure) {
    if (entry.includes('/')) {
      if (isIP(hostname) && inCidr(hostname, entry)) return true;
    } else if (entry === host || entry === hostname) return true;
  }
  return false;
}

/** CAs from `<certsDir>/<host>/*.crt`; undefined when there are none. */
export function extraCas(certsDir: string, host: string): string[] | undefined {
  const dir = join(certsDir, host);
  // Most hosts have no directory: asked without an exception (every pull and push asks).
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.crt'));
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  return [...rootCertificates, ...names.map((n) => readFileSync(join(dir, n), 'utf8'))];
}

function normalizeMirror(m: string): string {
  let u: URL;
  try {
    u = new URL(m);
  } catch (e) {
    throw new InvalidArgument(`invalid mirror: "${m}" is not a valid URI`, { cause: e });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidArgument(`invalid mirror: unsupported scheme "${u.protocol.slice(0, -1)}" in "${m}"`);
  return `${u.protocol}//${u.host}`;
}

/** The endpoints for a host, in the order to try them. */
export function endpointsFor(host: string, opts: Pick<RegistryOptions, 'insecureRegistries' | 'mirrors' | 'certsDir'>): Endpoint[] {
  const make = (base: string, mirror: boolean): Endpoint => {
    const u = new URL(base);
    const insecure = isInsecure(u.host, opts.insecureRegistries);
    const ca = u.protocol === 'https:' ? extraCas(opts.certsDir, u.host) : undefined;
    return { base, host, mirror, insecureTls: insecure, allowHttp: insecure && u.protocol === 'https:', ...(ca ? { ca } : {}) };
  };
  if (host === DOCKER_HUB_HOST || host === 'index.docker.io' || host === 'registry-1.docker.io') {
    return [...opts.mirrors.map((m) => make(normalizeMirror(m), true)), make(DOCKER_HUB_ENDPOINT, false)];
  }
  return [make(`https://${host}`, false)];
}

/** The host a `docker login` server address names (`https://index.docker.io/v1/` → docker.io). */
export function hostOfServerAddress(server: string | undefined): string {
  if (!server) return DOCKER_HUB_HOST;
  let s = server.trim().replace(/^https?:\/\//, '');
  s = s.replace(/\/.*$/, '');
  if (s === 'index.docker.io' || s === 'registry-1.docker.io' || s === 'docker.io') return DOCKER_HUB_HOST;
  return s;
}
