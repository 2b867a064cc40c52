/**
 * @module engine/networks/network-service
 * Network use cases on a NetworkManager: Docker's JSON (with the containers attached),
 * filters, prune of unused user networks, and connect/disconnect (a running container is
 * connected now; a stopped one joins at its next start).
 */
import type {
  EndpointConfigWire, NetworkCreateRequest, NetworkCreateResponse, NetworkPruneReport, NetworkWire,
} from '../../api/types/networks.js';
import { Conflict, Forbidden, InvalidArgument, NotFound } from '../../errdefs/index.js';
import { pointEmbeddedDns } from '../../network/embedded-dns.js';
import { etcSettings } from '../../network/etc-files.js';
import type { NetworkManager, NetworkRecord } from '../../network/types.js';
import { matches, PRUNE_FILTERS, untilMs } from './filters.js';
import type { ContainerNetworkHooks, NetworkService } from './types.js';
import { pruneEvent, type EventSink } from '../events/event-log.js';

const BUILTIN = new Set(['bridge', 'host', 'none']);

export class DefaultNetworkService implements NetworkService {
  readonly #net: NetworkManager;
  readonly #containers: ContainerNetworkHooks;

  readonly #events: EventSink | undefined;

  constructor(net: NetworkManager, containers: ContainerNetworkHooks, events?: EventSink) {
    this.#net = net;
    this.#containers = containers;
    this.#events = events;
  }

  #event(action: 'create' | 'destroy', n: { Id: string; Name: string; Driver: string }): void {
    this.#events?.({ type: 'network', action, id: n.Id, attributes: { name: n.Name, type: n.Driver } });
  }

  #wire(n: NetworkRecord, withContainers: boolean): NetworkWire {
    const containers: NetworkWire['Containers'] = {};
    if (withContainers) {
      for (const a of this.#net.attachments()) {
        const ep = a.endpoints.find((e) => e.networkId === n.Id);
        if (ep) {
          containers[a.containerId] = { Name: a.containerName, EndpointID: ep.endpointId, MacAddress: ep.macAddress, IPv4Address: `${ep.ipAddress}/${ep.prefixLen}`, IPv6Address: '' };
        }
      }
    }
    // As dockerd, the IPAM config as asked: a subnet given without a gateway is shown without one.
    const ipam = n.GatewayImplied ? { ...n.IPAM, Config: n.IPAM.Config.map(({ Gateway: _, ...c }) => c) } : n.IPAM;
    return {
      Name: n.Name, Id: n.Id, Created: n.Created, Scope: n.Scope, Driver: n.Driver, EnableIPv6: n.EnableIPv6, IPAM: ipam,
      Internal: n.Internal, Attachable: n.Attachable, Ingress: n.Ingress, ConfigFrom: n.ConfigFrom, ConfigOnly: n.ConfigOnly,
      Containers: containers, Options: n.Options, Labels: n.Labels,
    };
  }

  #inUse(n: NetworkRecord): boolean {
    if (this.#net.attachments().some((a) => a.endpoints.some((e) => e.networkId === n.Id))) return true;
    const c = this.#containers;
    return !!c && c.all().some((id) => c.configuredNetworks(id).includes(n.Name));
  }

  async list(filters: Map<string, string[]>): Promise<NetworkWire[]> {
    return this.#net
      .list()
      .filter((n) => matches({ ...n, builtin: BUILTIN.has(n.Name), inUse: filters.has('dangling') ? this.#inUse(n) : false }, filters))
      .sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))
      .map((n) => this.#wire(n, false));
  }

  async inspect(idOrName: string): Promise<NetworkWire> {
    return this.#wire(this.#net.get(idOrName), true);
  }

  async create(req: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    if (!req || typeof req.Name !== 'string') throw new InvalidArgument('network name must not be empty');
    const n = await this.#net.create(req);
    this.#event('create', n);
    return { Id: n.Id, Warning: '' };
  }

  async remove(idOrName: string): Promise<void> {
    const n = this.#net.get(idOrName);
    const c = this.#containers;
    if (n.Driver === 'bridge' && c && !this.#net.attachments().some((a) => a.endpoints.some((e) => e.networkId === n.Id))) {
      // A stopped container configured to join it keeps it too, as Docker's endpoints do.
      if (c.all().some((id) => !c.lookup(id).running && c.configuredNetworks(id).includes(n.Name)) && !BUILTIN.has(n.Name)) {
        throw new Conflict(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
      }
    }
    await this.#net.remove(n.Id);
    this.#event('destroy', n);
  }

  async prune(filters: Map<string, string[]>): Promise<NetworkPruneReport> {
    // Checked before any network is looked at, so with no network to prune they are refused too (dockerd's words).
    for (const k of filters.keys()) if (!PRUNE_FILTERS.includes(k)) throw new InvalidArgument(`Invalid filter '${k}'`);
    for (const u of filters.get('until') ?? []) untilMs(u);
    const deleted: string[] = [];
    for (const n of this.#net.list()) {
      if (BUILTIN.has(n.Name) || !matches({ ...n, builtin: false, inUse: false }, filters, PRUNE_FILTERS)) continue;
      if (this.#inUse(n)) continue;
      try {
        await this.#net.remove(n.Id);
        this.#event('destroy', n);
        deleted.push(n.Name);
      } catch (e) {
        if (!(e instanceof Conflict)) throw e;
      }
    }
    // Removing a network frees no disk space: dockerd reports 0.
    this.#events?.(pruneEvent('network', 0));
    return { NetworksDeleted: deleted };
  }

  #hooks(): ContainerNetworkHooks {
    return this.#containers;
  }

  async connect(idOrName: string, container: string, config: EndpointConfigWire): Promise<void> {
    const n = this.#net.get(idOrName);
    const c = this.#hooks().lookup(container);
    if (n.Driver !== 'bridge') throw new Forbidden(`container cannot be disconnected from host network or connected to host network`);
    if (c.networkMode === 'host' || c.networkMode.startsWith('container:')) {
      throw new InvalidArgument('container sharing network namespace with another container or host cannot be connected to any other network');
    }
    if (c.networkMode === 'none') throw new InvalidArgument('container cannot be connected to multiple networks with one of the networks in private (none) mode');
    if (this.#hooks().configuredNetworks(c.id).includes(n.Name)) throw new Forbidden(`endpoint with name ${c.name} already exists in network ${n.Name}`);
    if (c.running) {
      await this.#net.connect(c.id, { network: n.Id, aliases: config.Aliases ?? [], ipv4: config.IPAMConfig?.IPv4Address || undefined, mac: config.MacAddress || undefined });
      await this.#resolversChanged(c.id);
    }
    // As dockerd: on a user network the short ID is one of the aliases from now on, and the
    // settings name the network only once an endpoint was made.
    const shortId = c.id.slice(0, 12);
    const aliases = config.Aliases ?? [];
    const withShortId = n.Name !== 'bridge' && !aliases.includes(shortId) ? [...aliases, shortId] : config.Aliases;
    await this.#hooks().setEndpointConfig(c.id, n.Name, { ...config, ...(withShortId ? { Aliases: withShortId } : {}), NetworkID: c.running ? n.Id : '' });
    // As dockerd: a stopped container's `connect` is its next start's.
    if (c.running) this.#endpointEvent('connect', n, c.id);
  }

  /** dockerd's connect and disconnect events: the network as Actor, the container, the network's name and type. */
  #endpointEvent(action: 'connect' | 'disconnect', n: NetworkRecord, containerId: string): void {
    this.#events?.({ type: 'network', action, id: n.Id, attributes: { container: containerId, name: n.Name, type: n.Driver } });
  }

  /**
   * A running container joined or left a network: its 127.0.0.11 goes to the resolver of its
   * first user network now, and its resolv.conf names 127.0.0.11, or the host's resolvers when
   * it has no user network left (as Docker starts or stops its embedded resolver).
   */
  async #resolversChanged(containerId: string): Promise<void> {
    const a = this.#net.attachment(containerId);
    const etc = etcSettings({ endpoints: a?.endpoints ?? [] }, (id) => this.#net.list().find((x) => x.Id === id));
    if (a) await pointEmbeddedDns(a.netnsPath, etc.dnsTarget);
    await this.#hooks().resolversChanged(containerId, etc.nameservers);
  }

  async disconnect(idOrName: string, container: string, force: boolean): Promise<void> {
    const n = this.#net.get(idOrName);
    let c;
    try {
      c = this.#hooks().lookup(container);
    } catch (e) {
      if (force && e instanceof NotFound) return;
      throw e;
    }
    if (n.Driver !== 'bridge') throw new Forbidden(`container cannot be disconnected from host network or connected to host network`);
    const configured = this.#hooks().configuredNetworks(c.id).includes(n.Name);
    const attached = !!this.#net.attachment(c.id)?.endpoints.some((e) => e.networkId === n.Id);
    if (!configured && !attached) throw new Forbidden(`container ${c.id} is not connected to network ${n.Name}`);
    if (attached) {
      try {
        await this.#net.disconnect(c.id, n.Id);
      } catch (e) {
        // Its exit released the endpoint meanwhile: what is left is the configuration.
        if (!(e instanceof Forbidden && configured)) throw e;
      }
      await this.#resolversChanged(c.id);
    }
    if (configured) await this.#hooks().setEndpointConfig(c.id, n.Name, null);
    // As dockerd 20.10: a running container's disconnect is announced twice (its endpoint's release, then the request).
    if (c.running && attached) this.#endpointEvent('disconnect', n, c.id);
    this.#endpointEvent('disconnect', n, c.id);
  }
}
