/**
 * @module network/etc-files
 * What a container's networks put in its /etc/resolv.conf and /etc/hosts. On the default
 * bridge: the host's resolvers (loopback ones dropped by the file writer) and no names of other
 * containers; on a user network: Docker's 127.0.0.11, which the container's namespace sends to
 * the network's own resolver (embedded-dns.ts: aardvark-dns on the gateway address, which
 * answers container names, aliases and short IDs and forwards the rest to the host's
 * resolvers), and the container's own addresses with its hostname. Pure.
 */
import { EMBEDDED_DNS } from './embedded-dns.js';
import type { Attachment, EtcSettings, NetworkRecord } from './types.js';

export function isDefaultBridge(n: Pick<NetworkRecord, 'Options'>): boolean {
  return n.Options['com.docker.network.bridge.default_bridge'] === 'true';
}

/** User networks resolve container names (Docker's embedded DNS); the default bridge does not. */
export function hasDns(n: Pick<NetworkRecord, 'Options' | 'Driver'>): boolean {
  return n.Driver === 'bridge' && !isDefaultBridge(n);
}

export function etcSettings(att: Pick<Attachment, 'endpoints'>, networkOf: (id: string) => Pick<NetworkRecord, 'Options' | 'Driver'> | undefined): EtcSettings {
  const addresses = att.endpoints.map((e) => e.ipAddress).filter(Boolean);
  const first = att.endpoints.find((e) => {
    const n = networkOf(e.networkId);
    return n && hasDns(n);
  });
  return first ? { nameservers: [EMBEDDED_DNS], dnsTarget: { resolver: first.gateway, source: first.ipAddress }, addresses } : { addresses };
}

/**
 * The names a container answers to on a network: its name, its aliases, its short ID and its
 * hostname (user networks only), as dockerd resolves them.
 */
export function dnsNamesFor(n: Pick<NetworkRecord, 'Options' | 'Driver'>, containerId: string, containerName: string, aliases: string[], hostname = ''): string[] {
  if (!hasDns(n)) return [];
  return [...new Set([containerName, ...aliases, containerId.slice(0, 12), hostname].filter(Boolean))];
}
