/**
 * @module util/go-net-error
 * Connection errors as Go's net and net/http packages word them, which is what dockerd prints
 * (`dial tcp 127.0.0.1:5000: connect: connection refused`, `dial tcp: lookup HOST on
 * 10.0.0.53:53: no such host`), made from the errors Node reports (a `fetch` failure's
 * `cause`, or a socket's error).
 */
import { getServers } from 'node:dns';

/** Go's text after a failed dial, by Node's error code. */
const DIAL_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  ETIMEDOUT: 'i/o timeout',
};

/** Go's name of the DNS server that answered: `10.0.0.53:53`, `[::1]:53`. */
function serverName(s: string): string {
  if (/^\[.*\]:\d+$/.test(s) || /^[\d.]+:\d+$/.test(s)) return s;
  return s.includes(':') ? `[${s}]:53` : `${s}:53`;
}

/**
 * A connection error as Go's net package words it. `dnsServers`: the resolver's servers (Go's
 * own resolver names the first one in a failed lookup). Anything else keeps its own message.
 */
export function dialErrorText(e: unknown, dnsServers: readonly string[] = getServers()): string {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  const on = dnsServers.length ? ` on ${serverName(dnsServers[0]!)}` : '';
  if (err?.code === 'ENOTFOUND' || err?.code === 'EAI_NONAME') return `dial tcp: lookup ${err.hostname ?? 'host'}${on}: no such host`;
  if (err?.code === 'EAI_AGAIN') return `dial tcp: lookup ${err.hostname ?? 'host'}${on}: Temporary failure in name resolution`;
  const why = err?.code && err.syscall === 'connect' ? DIAL_ERRORS[err.code] : undefined;
  if (why === undefined) return err instanceof Error ? err.message : String(e);
  const addr = err.address ? (err.address.includes(':') ? `[${err.address}]` : err.address) : undefined;
  return addr && err.port !== undefined ? `dial tcp ${addr}:${err.port}: ${why}` : why;
}

/** The text of a failed `fetch` of `url` as Go's http.Get words it: `Get "URL": dial tcp …`. */
export function getErrorText(url: string, e: unknown): string {
  const cause = (e as { cause?: unknown })?.cause;
  return `Get "${url}": ${dialErrorText(cause ?? e)}`;
}
