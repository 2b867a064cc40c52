/**
 * @module network/ports
 * Host port allocation for published ports: Docker's rules (a port is taken when the same
 * protocol and port is published on the same address or on the wildcard), free ports picked
 * from the host's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range), and a probe bind
 * so a port some host process listens on (on 0.0.0.0 or [::]) is not handed out.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseHostPort } from '../util/port-spec.js';
import { hostHasIpv6 } from './port-proxy.js';
import type { PortRequest, PublishedPort } from './types.js';

export class PortAllocatedError extends Error {}

export function ephemeralRange(text?: string): { start: number; end: number } {
  try {
    const [a, b] = (text ?? readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number);
    if (a && b && a <= b) return { start: a, end: b };
  } catch {
    /* Docker's defaults below */
  }
  return { start: 32768, end: 60999 };
}

const wildcard = (ip: string) => ip === '' || ip === '0.0.0.0';

export function conflicts(a: { hostIp: string; hostPort: number; protocol: string }, b: { hostIp: string; hostPort: number; protocol: string }): boolean {
  return a.protocol === b.protocol && a.hostPort === b.hostPort && (wildcard(a.hostIp) || wildcard(b.hostIp) || a.hostIp === b.hostIp);
}

/**
 * Whether nothing on the host is bound to the port (tcp listen / udp bind, then closed); a
 * wildcard port must be free on [::] too (its IPv6 side is a proxy listening there).
 */
export async function probe(port: number, protocol: string, hostIp: string): Promise<boolean> {
  if (!wildcard(hostIp)) return probeOne(port, protocol, hostIp);
  return (await probeOne(port, protocol, '0.0.0.0')) && (!hostHasIpv6() || (await probeOne(port, protocol, '::')));
}

function probeOne(port: number, protocol: string, host: string): Promise<boolean> {
  const v6 = host.includes(':');
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const s = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
      s.once('error', () => resolve(false));
      s.bind({ port, address: host, exclusive: true }, () => s.close(() => resolve(true)));
    } else {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen({ port, host, exclusive: true, ipv6Only: v6 }, () => s.close(() => resolve(true)));
    }
  });
}

function bindError(r: PortRequest, port: number): PortAllocatedError {
  return new PortAllocatedError(`Bind for ${wildcard(r.hostIp) ? '0.0.0.0' : r.hostIp}:${port} failed: port is already allocated`);
}

/**
 * Resolves each request to a host port, given the ports already published (`inUse`). Explicit
 * ports that are taken fail with Docker's message; picked ones start at a random point of the
 * range so daemons sharing a host rarely meet.
 */
export async function allocatePorts(
  reqs: PortRequest[],
  inUse: PublishedPort[],
  opts: { range?: { start: number; end: number }; probe?: typeof probe; random?: () => number } = {},
): Promise<PublishedPort[]> {
  const check = opts.probe ?? probe;
  const taken = [...inUse];
  const out: PublishedPort[] = [];
  for (const r of reqs) {
    const hostIp = wildcard(r.hostIp) ? '' : r.hostIp;
    const want = parseHostPort(r.hostPort);
    const free = async (port: number) =>
      !taken.some((t) => conflicts(t, { hostIp, hostPort: port, protocol: r.protocol })) && (await check(port, r.protocol, hostIp));
    let port = 0;
    if (want && want.start === want.end) {
      if (!(await free(want.start))) throw bindError(r, want.start);
      port = want.start;
    } else {
      const range = want ?? opts.range ?? ephemeralRange();
      const n = range.end - range.start + 1;
      const offset = want ? 0 : Math.floor((opts.random ?? Math.random)() * n);
      for (let i = 0; i < n && !port; i++) {
        const p = range.start + ((offset + i) % n);
        if (await free(p)) port = p;
      }
      if (!port) throw bindError(r, want ? want.start : range.start);
    }
    const p: PublishedPort = { containerPort: r.containerPort, protocol: r.protocol, hostIp, hostPort: port };
    taken.push(p);
    out.push(p);
  }
  return out;
}
