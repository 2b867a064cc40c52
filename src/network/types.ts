/**
 * @module network/types
 * The network contract the engine uses.
 *
 * - A *network* is a named L2 segment with an IPv4 subnet (driver `bridge`), or one of the
 *   predefined `host` and `none`. Records are Docker's network JSON minus `Containers`, kept
 *   under `<dataRoot>/network/networks/<id>.json`. `bridge` (the default network, on a Linux
 *   bridge of berth's own), `host` and `none` always exist.
 * - An *attachment* is one container's network presence: its network namespace (a file under
 *   `<execRoot>/netns/`), one *endpoint* per network it joined (IP, MAC, aliases, DNS names),
 *   and its *published ports* (host port → container port, resolved: never 0). It is written
 *   under `<dataRoot>/network/endpoints/<containerId>.json` before the host is changed, so a
 *   crash between the two is undone by `reconcile` at the next start.
 * - Life cycle: `attach` before the container's process starts (the runtime gets the netns
 *   path), `connect`/`disconnect` while it runs, `detach` when it exits or is removed.
 *   IP addresses and host ports are allocated by `attach`/`connect` and released by
 *   `detach`/`disconnect`; `detach` answers once the ports are free and the attachment is gone
 *   from view, and undoes the namespace afterwards (its address stays taken until then). Published ports are proxy processes of their own (as Docker's
 *   docker-proxy, on 0.0.0.0 and [::]): they keep answering while berthd is down.
 */
import type { Protocol } from '../util/port-spec.js';
import type { DnsTarget } from './embedded-dns.js';

export interface IpamConfig {
  Subnet: string;
  Gateway: string;
  IPRange?: string;
}

/** A network as Docker's API shows it (without `Containers`). */
export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: 'bridge' | 'host' | 'null';
  EnableIPv6: boolean;
  IPAM: { Driver: 'default'; Options: Record<string, string> | null; Config: IpamConfig[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /**
   * A subnet was asked for without a gateway: the gateway in IPAM.Config is the one berth took
   * (the subnet's first address), which dockerd does not show, as it shows the IPAM config as asked.
   */
  GatewayImplied?: boolean;
}

export interface CreateNetworkRequest {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] | null; Options?: Record<string, string> | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** What a container asks of one network. */
export interface EndpointRequest {
  /** Network name or ID (full or a unique prefix). */
  network: string;
  aliases?: string[];
  /** A fixed IPv4 address (user networks only). */
  ipv4?: string;
  mac?: string;
}

/** A requested published port: hostPort '' / '0' = any free port; 'A-B' = one of that range. */
export interface PortRequest {
  containerPort: number;
  protocol: Protocol;
  hostIp: string;
  hostPort: string;
}

export interface PublishedPort {
  containerPort: number;
  protocol: Protocol;
  /** '' = every IPv4 address of the host. */
  hostIp: string;
  hostPort: number;
}

export interface Endpoint {
  networkId: string;
  networkName: string;
  endpointId: string;
  ipAddress: string;
  prefixLen: number;
  gateway: string;
  macAddress: string;
  aliases: string[];
  /** The names other containers resolve it by on this network (none on the default bridge). */
  dnsNames: string[];
  /** The requested fixed address, if any (IPAMConfig.IPv4Address). */
  fixedIp?: string;
  /** The interface inside the container (eth0, eth1, …). */
  interfaceName: string;
}

export interface Attachment {
  containerId: string;
  containerName: string;
  /** The container's hostname, one more name it answers to on user networks. */
  hostname?: string;
  netnsPath: string;
  endpoints: Endpoint[];
  ports: PublishedPort[];
}

export interface AttachRequest {
  containerId: string;
  /** Without the leading slash. */
  containerName: string;
  /** Config.Hostname: resolvable on user networks, as in dockerd. */
  hostname?: string;
  networks: EndpointRequest[];
  ports: PortRequest[];
  /**
   * The container cannot change its network namespace (no NET_ADMIN, no net.* sysctls…): once
   * it has ended and nothing else is in the namespace, the namespace may serve another container.
   */
  reusable?: boolean;
}

/** Networks: create, look up, list, remove. */
export interface NetworkRegistry {
  list(): NetworkRecord[];
  /** By name, full ID or unique ID prefix; NotFound `network NAME not found`. */
  get(idOrName: string): NetworkRecord;
  create(req: CreateNetworkRequest): Promise<NetworkRecord>;
  /** Forbidden for the predefined networks, Conflict while endpoints remain. */
  remove(idOrName: string): Promise<void>;
}

/** Containers' presence on networks. */
export interface EndpointManager {
  attach(req: AttachRequest): Promise<Attachment>;
  connect(containerId: string, req: EndpointRequest): Promise<Endpoint>;
  disconnect(containerId: string, network: string): Promise<void>;
  detach(containerId: string): Promise<void>;
  attachment(containerId: string): Attachment | undefined;
  attachments(): Attachment[];
  /** Start-up: undo what belongs to containers that are no longer running. */
  reconcile(isLive: (containerId: string) => boolean): Promise<void>;
  /** Daemon shutdown: removes bridges and shared rules when no container is attached. */
  close(): Promise<void>;
}

export interface NetworkManager extends NetworkRegistry, EndpointManager {}

/** The settings of a container's /etc/resolv.conf and /etc/hosts that come from its networks. */
export interface EtcSettings {
  /** Nameservers to use instead of the host's (Docker's 127.0.0.11 on user networks). */
  nameservers?: string[];
  /** Where the namespace's 127.0.0.11 goes (with `nameservers`). */
  dnsTarget?: DnsTarget;
  /** The container's own addresses, listed with its hostname in /etc/hosts. */
  addresses: string[];
}
