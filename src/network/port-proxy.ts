/**
 * @module network/port-proxy
 * Published ports are berth-proxy processes (native/berth-proxy-main.c, as Docker's
 * docker-proxy), one per listening address, port and protocol: a wildcard port listens on
 * 0.0.0.0 and, when the host has IPv6, on [::] (berth's networks are v4-only and the kernel
 * never forwards [::1] traffic, so DNAT cannot serve it), and relays to the container's IPv4
 * address. Not netavark's DNAT: netavark 1.4 spawns some 35 iptables processes per container
 * with ports (over a second on a loaded host), a proxy starts in a few milliseconds, and a
 * container's network namespace can then be made before its ports are known (the default
 * bridge's pool). Each proxy runs in a session of its own, so the port answers while berthd is
 * down; its PID is kept with the container's attachment and it is ended when the container
 * leaves the network.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeBuildDir } from '../util/native.js';
import type { PublishedPort } from './types.js';

export const PROXY_BINARY = join(nativeBuildDir, 'berth-proxy');

/** A running proxy: its PID and what it serves (checked before it is signalled). */
export interface ProxyProcess {
  pid: number;
  protocol: string;
  /** The address it listens on. */
  hostIp: string;
  hostPort: number;
}

export class ProxyError extends Error {}

let v6: boolean | undefined;
/** Whether the host has IPv6 (on its loopback at least). */
export function hostHasIpv6(): boolean {
  if (v6 === undefined) {
    try {
      v6 = readFileSync('/proc/sys/net/ipv6/conf/lo/disable_ipv6', 'utf8').trim() === '0';
    } catch {
      v6 = false;
    }
  }
  return v6;
}

/** The addresses a published port listens on: its own, or 0.0.0.0 and [::] (with IPv6) as Docker's. */
export function listenAddresses(p: PublishedPort): string[] {
  if (p.hostIp) return [p.hostIp];
  return hostHasIpv6() ? ['0.0.0.0', '::'] : ['0.0.0.0'];
}

/** Starts the proxy of hostIp:hostPort to targetIp:containerPort; resolves once it listens. */
export function startProxy(p: PublishedPort, hostIp: string, targetIp: string): Promise<ProxyProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROXY_BINARY, [p.protocol, hostIp, String(p.hostPort), targetIp, String(p.containerPort)], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.on('error', (e) => reject(new ProxyError(`starting the userland proxy: ${e.message}`)));
    child.stdout.on('data', (d) => {
      out += d;
      if (!out.includes('\n')) return;
      child.stdout.destroy();
      child.unref();
      if (out.startsWith('ok\n') && child.pid) return resolve({ pid: child.pid, protocol: p.protocol, hostIp, hostPort: p.hostPort });
      const reason = out.replace(/^err /, '').trim().replace(/^bind: Address already in use$/, 'bind: address already in use');
      const v6 = hostIp.includes(':');
      reject(new ProxyError(`Error starting userland proxy: listen ${p.protocol}${v6 ? '6' : '4'} ${v6 ? `[${hostIp}]` : hostIp}:${p.hostPort}: ${reason}`));
    });
    child.on('exit', (code) => {
      if (!out.includes('\n')) reject(new ProxyError(`Error starting userland proxy: exited with status ${code}`));
    });
  });
}

/** Ends a proxy if that PID is still the berth-proxy of that port (PIDs are reused). */
export function stopProxy(p: ProxyProcess): void {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  const args = cmdline.split('\0');
  if (!args[0]?.endsWith('berth-proxy') || args[1] !== p.protocol || args[2] !== p.hostIp || args[3] !== String(p.hostPort)) return;
  try {
    process.kill(p.pid, 'SIGTERM');
  } catch {
    /* gone meanwhile */
  }
}

/** True while that PID runs (a zombie has closed its sockets: gone). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Ends proxies and waits (up to a second) until they have exited, so their ports are free again. */
export async function stopProxies(ps: ProxyProcess[]): Promise<void> {
  for (const p of ps) stopProxy(p);
  for (let i = 0; i < 100 && ps.some((p) => running(p.pid)); i++) await new Promise((r) => setTimeout(r, 10));
}
