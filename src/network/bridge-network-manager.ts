/**
 * @module network/bridge-network-manager
 * The NetworkManager on netavark: networks and their records, IP allocation from the
 * attachments on disk, published ports, and the host changes done through the driver. One
 * lock orders every change; an attachment is saved before the host is touched and removed
 * after it is undone, so `reconcile` can finish what a crash interrupted.
 */
import { randomBytes } from 'node:crypto';
import { Conflict, Forbidden, InvalidArgument, NotFound, SystemError } from '../errdefs/index.js';
import { logger } from '../util/log.js';
import { dnsNamesFor, hasDns, isDefaultBridge } from './etc-files.js';
import {
  allocate, claim, formatCidr, ipToNum, IpamError, macFor, parseCidr, type AddressPool, type Cidr,
} from './ipam.js';
import { bridgeName, type NetavarkDriver, setupOptions } from './netavark-driver.js';
import { defaultBridgeRecord, predefinedNetwork, userNetworkRecord } from './network-records.js';
import { NetworkStore } from './network-store.js';
import { listenAddresses, type ProxyProcess, startProxy, stopProxies } from './port-proxy.js';
import { allocatePorts, PortAllocatedError } from './ports.js';
import { WarmPool } from './warm-pool.js';
import type {
  Attachment, AttachRequest, CreateNetworkRequest, Endpoint, EndpointRequest, NetworkManager, NetworkRecord, PublishedPort,
} from './types.js';

const log = logger('network');

export interface BridgeManagerOptions {
  /** `<dataRoot>/network`. */
  stateDir: string;
  driver: NetavarkDriver;
  /** The default network's Linux bridge (berth0). */
  bridgeName: string;
  /** A fixed subnet for the default network (`--bip`), else Docker's choice. */
  bip?: string;
  /** Where new networks' subnets come from (`--default-address-pool`), else Docker's default pools. */
  addressPools?: AddressPool[];
  /** The host's IPv4 routes (subnets picked must not overlap them). */
  hostRoutes(): { iface: string; cidr: Cidr }[];
  /**
   * Namespaces kept ready on the default bridge (0: none). `attach` takes one for a container
   * that asks nothing special of its endpoint there, instead of waiting for a netavark setup.
   */
  poolSize?: number;
}

/** On disk: the network the ports are published on, the proxies of those ports, whether the namespace may serve again (AttachRequest.reusable). */
type Attached = Attachment & { portsNetwork?: string; proxies?: ProxyProcess[]; reusable?: boolean };

const hex = (n: number) => randomBytes(n).toString('hex');

/** The key of a pool entry's attachment (and of its namespace file); never a container ID (64 hex digits). */
const POOL_KEY = 'pool-';
const isPoolKey = (id: string) => id.startsWith(POOL_KEY);
class ProxyFailure extends Error {}

export class BridgeNetworkManager implements NetworkManager {
  readonly #store: NetworkStore;
  readonly #opts: BridgeManagerOptions;
  #tail: Promise<unknown> = Promise.resolve();
  /** Attachments being undone after their container's release was answered (by container ID). */
  readonly #releasing = new Map<string, Promise<void>>();
  readonly #pool: WarmPool<Attached> | undefined;

  constructor(opts: BridgeManagerOptions) {
    this.#opts = opts;
    this.#store = new NetworkStore(opts.stateDir);
    if (opts.poolSize) {
      this.#pool = new WarmPool<Attached>(
        { make: () => this.#makePooled(), release: (a) => this.#undo(a, a.endpoints) },
        {
          size: opts.poolSize,
          // The lowest address first, as a container without the pool would get it.
          compare: (x, y) => ipToNum(x.endpoints[0]!.ipAddress) - ipToNum(y.endpoints[0]!.ipAddress),
          // A namespace given back by a container that ended takes the place before a new one is made.
          refillDelayMs: 3000,
          onError: (what, e) => log.warn(`network namespace pool: ${what} failed`, { error: String(e) }),
        },
      );
    }
  }

  #locked<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.#tail.then(fn);
    this.#tail = r.catch(() => undefined);
    return r;
  }

  /** Loads the records and makes sure `bridge`, `host` and `none` exist. */
  async init(): Promise<void> {
    await this.#store.load();
    const byName = (n: string) => [...this.#store.networks.values()].find((x) => x.Name === n);
    for (const n of ['host', 'none'] as const) if (!byName(n)) await this.#store.saveNetwork(predefinedNetwork(n, hex(32)));
    const cur = byName('bridge');
    const wantBridge = this.#opts.bridgeName;
    if (cur && bridgeName(cur) === wantBridge && (!this.#opts.bip || cur.IPAM.Config[0]?.Subnet === formatCidr(parseCidr(this.#opts.bip, true)))) return;
    const routes = this.#opts.hostRoutes().filter((r) => r.iface !== wantBridge).map((r) => r.cidr);
    const others = [...this.#store.networks.values()].filter((n) => n.Name !== 'bridge').flatMap((n) => n.IPAM.Config.map((c) => parseCidr(c.Subnet, true)));
    const rec = defaultBridgeRecord({ id: cur?.Id ?? hex(32), bridgeName: wantBridge, bip: this.#opts.bip, taken: [...routes, ...others], pools: this.#opts.addressPools });
    await this.#store.saveNetwork(rec);
  }

  list(): NetworkRecord[] {
    return [...this.#store.networks.values()];
  }

  get(idOrName: string): NetworkRecord {
    const all = this.list();
    const found = all.find((n) => n.Name === idOrName) ?? all.find((n) => n.Id === idOrName);
    if (found) return found;
    const byPrefix = idOrName ? all.filter((n) => n.Id.startsWith(idOrName)) : [];
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1) throw new InvalidArgument(`network ${idOrName} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
    throw new NotFound(`network ${idOrName} not found`);
  }

  create(req: CreateNetworkRequest): Promise<NetworkRecord> {
    return this.#locked(async () => {
      const rec = userNetworkRecord(req, { id: hex(32), existing: this.list(), routes: this.#opts.hostRoutes().map((r) => r.cidr), pools: this.#opts.addressPools });
      await this.#store.saveNetwork(rec);
      return rec;
    });
  }

  remove(idOrName: string): Promise<void> {
    return this.#locked(async () => {
      const n = this.get(idOrName);
      if (n.Driver !== 'bridge' || isDefaultBridge(n)) throw new Forbidden(`${n.Name} is a pre-defined network and cannot be removed`);
      if (this.attachments().some((a) => a.endpoints.some((e) => e.networkId === n.Id))) {
        throw new Conflict(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
      }
      await this.#store.deleteNetwork(n.Id);
      await this.#opts.driver.removeBridge(bridgeName(n));
    });
  }

  /** Containers' attachments: pool entries and attachments being undone are not (though their addresses stay taken). */
  #visible(id: string): boolean {
    return !isPoolKey(id) && !this.#releasing.has(id);
  }

  attachment(containerId: string): Attachment | undefined {
    return this.#visible(containerId) ? this.#store.attachments.get(containerId) : undefined;
  }

  attachments(): Attachment[] {
    return [...this.#store.attachments.values()].filter((a) => this.#visible(a.containerId));
  }

  #used(networkId: string): Set<string> {
    const used = new Set<string>();
    for (const a of this.#store.attachments.values()) for (const e of a.endpoints) if (e.networkId === networkId) used.add(e.ipAddress);
    return used;
  }

  #endpoint(a: Pick<Attachment, 'containerId' | 'containerName' | 'hostname' | 'endpoints'>, req: EndpointRequest): Endpoint {
    const n = this.get(req.network);
    if (n.Driver !== 'bridge') throw new InvalidArgument(`container cannot be connected to network "${n.Name}" alongside others (host and none are network modes)`);
    if (a.endpoints.some((e) => e.networkId === n.Id)) throw new Forbidden(`endpoint with name ${a.containerName} already exists in network ${n.Name}`);
    const conf = n.IPAM.Config[0]!;
    const subnet = parseCidr(conf.Subnet, true);
    const used = this.#used(n.Id);
    used.add(conf.Gateway);
    let ip: string;
    try {
      if (req.ipv4) {
        if (isDefaultBridge(n)) throw new InvalidArgument('user specified IP address is supported on user defined networks only');
        ip = claim(subnet, used, req.ipv4);
      } else {
        ip = allocate(subnet, used, conf.IPRange ? parseCidr(conf.IPRange, true) : undefined);
      }
    } catch (e) {
      if (e instanceof IpamError) throw new InvalidArgument(e.message, { cause: e });
      throw e;
    }
    const taken = new Set(a.endpoints.map((e) => e.interfaceName));
    let i = 0;
    while (taken.has(`eth${i}`)) i++;
    const aliases = req.aliases ?? [];
    return {
      networkId: n.Id, networkName: n.Name, endpointId: hex(32), ipAddress: ip, prefixLen: subnet.prefix, gateway: conf.Gateway,
      macAddress: req.mac || macFor(ip), aliases, dnsNames: dnsNamesFor(n, a.containerId, a.containerName, aliases, a.hostname),
      ...(req.ipv4 ? { fixedIp: req.ipv4 } : {}), interfaceName: `eth${i}`,
    };
  }

  #netavarkOptions(a: Attached, ep: Endpoint): Record<string, unknown> {
    const n = this.#store.networks.get(ep.networkId) ?? this.get(ep.networkName);
    // Published ports are proxies (port-proxy.ts), not netavark's DNAT.
    return setupOptions({ id: a.containerId, name: a.containerName }, n, ep, hasDns(n));
  }

  /** Whether a pool entry fits: one endpoint, on the default bridge, with nothing asked of it. */
  #poolable(req: AttachRequest): boolean {
    const r = req.networks[0];
    if (!this.#pool || req.networks.length !== 1 || !r || r.ipv4 || r.mac || r.aliases?.length) return false;
    try {
      return isDefaultBridge(this.get(r.network));
    } catch {
      return false;
    }
  }

  /** A container's endpoint from a pool entry's: same address and MAC (derived from it), its own ID and names. */
  #pooledEndpoint(a: Attached, entry: Attached): Endpoint {
    const ep = entry.endpoints[0]!;
    const n = this.get(ep.networkId);
    return { ...ep, endpointId: hex(32), aliases: [], dnsNames: dnsNamesFor(n, a.containerId, a.containerName, [], a.hostname) };
  }

  async attach(req: AttachRequest): Promise<Attachment> {
    // Taken before the lock: making a pool entry takes the lock itself.
    let pooled = this.#poolable(req) ? await this.#pool!.take() : undefined;
    try {
      return await this.#locked(async () => {
        await this.#settle(req.containerId);
        const a: Attached = { containerId: req.containerId, containerName: req.containerName, netnsPath: this.#opts.driver.netnsPath(req.containerId), endpoints: [], ports: [] };
        if (req.hostname) a.hostname = req.hostname;
        if (req.reusable) a.reusable = true;
        for (const r of req.networks) a.endpoints.push(pooled && !a.endpoints.length ? this.#pooledEndpoint(a, pooled) : this.#endpoint(a, r));
        const inUse = this.attachments().flatMap((x) => x.ports);
        try {
          a.ports = req.ports.length ? await allocatePorts(req.ports, inUse) : [];
        } catch (e) {
          if (e instanceof PortAllocatedError) {
            const ep = a.endpoints[0];
            throw new SystemError(`driver failed programming external connectivity on endpoint ${req.containerName} (${ep?.endpointId ?? ''}): ${e.message}`, { cause: e });
          }
          throw new InvalidArgument((e as Error).message, { cause: e });
        }
        if (a.ports.length && !a.endpoints.length) throw new InvalidArgument('published ports need a network');
        a.portsNetwork = a.endpoints[0]?.networkId;
        await this.#store.saveAttachment(a);
        const done: Endpoint[] = [];
        try {
          if (pooled) {
            // The pool entry's namespace becomes the container's; its record goes (the address is the container's now).
            await this.#opts.driver.adoptNetns(pooled.containerId, req.containerId);
            done.push(a.endpoints[0]!);
            const entry = pooled;
            pooled = undefined;
            await this.#store.deleteAttachment(entry.containerId);
          } else {
            await this.#opts.driver.createNetns(req.containerId);
          }
          for (const ep of a.endpoints) {
            if (done.includes(ep)) continue;
            await this.#opts.driver.setup(a.netnsPath, this.#netavarkOptions(a, ep));
            done.push(ep);
          }
          await this.#startProxies(a);
        } catch (e) {
          await stopProxies(a.proxies ?? []);
          await this.#undo(a, done);
          if (e instanceof ProxyFailure) throw new SystemError(`driver failed programming external connectivity on endpoint ${req.containerName} (${a.endpoints[0]?.endpointId ?? ''}): ${e.message}`, { cause: e });
          throw new SystemError(`setting up the network of container ${req.containerName}: ${(e as Error).message}`, { cause: e });
        }
        return a;
      });
    } finally {
      // Taken but not used (the attach failed before adopting it).
      if (pooled) this.#pool!.giveBack(pooled);
    }
  }

  /** The published ports' proxies (port-proxy.ts), recorded with the attachment. */
  async #startProxies(a: Attached): Promise<void> {
    const ep = a.endpoints.find((e) => e.networkId === a.portsNetwork);
    if (!ep || !a.ports.length) return;
    const started = await Promise.allSettled(a.ports.flatMap((p) => listenAddresses(p).map((ip) => startProxy(p, ip, ep.ipAddress))));
    a.proxies = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw new ProxyFailure(String((failed.reason as Error).message), { cause: failed.reason });
    await this.#store.saveAttachment(a);
  }

  connect(containerId: string, req: EndpointRequest): Promise<Endpoint> {
    return this.#locked(async () => {
      const a = this.attachment(containerId) as Attached | undefined;
      if (!a) throw new InvalidArgument(`container ${containerId} is not running`);
      const ep = this.#endpoint(a, req);
      const next: Attached = { ...a, endpoints: [...a.endpoints, ep] };
      await this.#store.saveAttachment(next);
      try {
        await this.#opts.driver.setup(a.netnsPath, this.#netavarkOptions(next, ep));
      } catch (e) {
        await this.#store.saveAttachment(a);
        throw new SystemError(`connecting container ${a.containerName} to network ${ep.networkName}: ${(e as Error).message}`, { cause: e });
      }
      return ep;
    });
  }

  disconnect(containerId: string, network: string): Promise<void> {
    return this.#locked(async () => {
      const a = this.attachment(containerId) as Attached | undefined;
      const n = this.get(network);
      const ep = a?.endpoints.find((e) => e.networkId === n.Id);
      if (!a || !ep) throw new Forbidden(`container ${containerId} is not connected to network ${n.Name}`);
      await this.#opts.driver.teardown(a.netnsPath, this.#netavarkOptions(a, ep)).catch((e) => log.warn('netavark teardown', { error: String(e) }));
      const next: Attached = { ...a, endpoints: a.endpoints.filter((e) => e !== ep) };
      if (a.portsNetwork === n.Id) {
        await stopProxies(a.proxies ?? []);
        next.ports = [];
        delete next.portsNetwork;
        delete next.proxies;
      }
      await this.#store.saveAttachment(next);
    });
  }

  #onDefaultBridge(ep: Endpoint): boolean {
    const n = this.#store.networks.get(ep.networkId);
    return !!n && isDefaultBridge(n);
  }

  /**
   * The published ports are released at once (their proxies have exited when this returns).
   * On user networks the rest is undone before the answer too. On the default bridge only
   * (nothing resolves names there) the attachment leaves the engine's view at once and the host
   * side (namespace given back to the pool, or netavark teardown) is done after, off the
   * caller's path; until then its address stays taken, and a new attach of the same container,
   * `network rm` and `close` wait for it.
   */
  detach(containerId: string): Promise<void> {
    return this.#locked(async () => {
      const a = this.#store.attachments.get(containerId) as Attached | undefined;
      if (!a || !this.#visible(containerId)) return;
      await stopProxies(a.proxies ?? []);
      // On user networks the container's DNS names must be gone before the answer, as Docker's.
      if (!a.endpoints.every((e) => this.#onDefaultBridge(e))) return this.#undo(a, a.endpoints);
      const undoing = this.#recycle(a)
        .catch((e) => void log.debug('keeping a network namespace for reuse', { id: containerId, error: String(e) }))
        .then(async (kept) => void (kept || (await this.#undo(a, a.endpoints))))
        .finally(() => this.#releasing.delete(containerId));
      this.#releasing.set(containerId, undoing);
    });
  }

  /** Under the lock: what is left of an earlier attachment of this container is gone when this returns. */
  async #settle(containerId: string): Promise<void> {
    await this.#releasing.get(containerId);
    const a = this.#store.attachments.get(containerId) as Attached | undefined;
    if (!a) return;
    await stopProxies(a.proxies ?? []);
    await this.#undo(a, a.endpoints);
  }

  /**
   * Undoes an attachment on the host (netavark teardown of `endpoints`, the namespace) and
   * forgets it; failures are logged. Needs no lock: its addresses stay taken until its record goes.
   */
  async #undo(a: Attached, endpoints: Endpoint[]): Promise<void> {
    for (const ep of [...endpoints].reverse()) {
      await this.#opts.driver.teardown(a.netnsPath, this.#netavarkOptions(a, ep)).catch((e) => log.debug('netavark teardown', { id: a.containerId, error: String(e) }));
    }
    await this.#opts.driver.removeNetns(a.containerId).catch((e) => log.warn('removing a network namespace', { id: a.containerId, error: String(e) }));
    await this.#store.deleteAttachment(a.containerId).catch((e) => log.warn('removing an endpoint record', { id: a.containerId, error: String(e) }));
  }

  /**
   * A namespace as good as new goes back to the pool instead of being undone (no netavark
   * teardown now, no setup for the next container): the container could not change it
   * (`reusable`), it is on the default bridge only with the address's own MAC, and no process
   * is in it any more. (A full pool keeps the lowest addresses and undoes the highest.)
   */
  async #recycle(a: Attached): Promise<boolean> {
    const ep = a.endpoints[0];
    if (!this.#pool?.open || !a.reusable || a.endpoints.length !== 1 || !ep || ep.fixedIp || ep.macAddress !== macFor(ep.ipAddress)) return false;
    if (!this.#onDefaultBridge(ep)) return false;
    // The container's last processes may take a moment to be gone.
    for (let i = 0; await this.#opts.driver.netnsInUse(a.containerId); i++) {
      if (i === 10) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    const key = `${POOL_KEY}${hex(8)}`;
    const entry: Attached = { containerId: key, containerName: key, netnsPath: this.#opts.driver.netnsPath(key), endpoints: [{ ...ep, endpointId: hex(32), aliases: [], dnsNames: [] }], ports: [] };
    await this.#store.saveAttachment(entry);
    try {
      await this.#opts.driver.adoptNetns(a.containerId, key);
    } catch (e) {
      log.debug('keeping a network namespace for reuse', { id: a.containerId, error: String(e) });
      await this.#store.deleteAttachment(key);
      return false;
    }
    await this.#store.deleteAttachment(a.containerId);
    this.#pool.giveBack(entry);
    return true;
  }

  /** A pool entry: an address on the default bridge and a namespace set up with it. */
  async #makePooled(): Promise<Attached> {
    const key = `${POOL_KEY}${hex(8)}`;
    const a = await this.#locked(async () => {
      const a: Attached = { containerId: key, containerName: key, netnsPath: this.#opts.driver.netnsPath(key), endpoints: [], ports: [] };
      a.endpoints.push(this.#endpoint(a, { network: 'bridge' }));
      await this.#store.saveAttachment(a);
      return a;
    });
    try {
      await this.#opts.driver.createNetns(key);
      await this.#opts.driver.setup(a.netnsPath, this.#netavarkOptions(a, a.endpoints[0]!));
    } catch (e) {
      await this.#undo(a, []);
      throw e;
    }
    return a;
  }

  /** Shutdown: the pool's entries and pending releases are undone; with no container attached, nothing needs the bridges and rules; else all stays (ports keep answering). */
  async close(): Promise<void> {
    await this.#pool?.close();
    return this.#locked(async () => {
      await Promise.all(this.#releasing.values());
      if (this.#store.attachments.size === 0) await this.#idle();
    });
  }

  /** Nothing attached: drop the bridges and netavark's shared chains if nothing else uses them. */
  async #idle(): Promise<void> {
    for (const n of this.list()) if (n.Driver === 'bridge') await this.#opts.driver.removeBridge(bridgeName(n));
    await this.#opts.driver.pruneSharedChains().catch((e) => log.debug('pruning netavark chains', { error: String(e) }));
  }

  /** Start-up: undoes what belongs to no running container (pool entries of an earlier run too), then fills the pool. */
  reconcile(isLive: (containerId: string) => boolean): Promise<void> {
    return this.#locked(async () => {
      for (const a of [...this.#store.attachments.values()]) {
        if (isLive(a.containerId)) continue;
        log.info('releasing the network of a container that is not running', { id: a.containerId });
        await this.#settle(a.containerId);
      }
      for (const f of await this.#opts.driver.netnsFiles()) {
        if (!this.#store.attachments.has(f)) await this.#opts.driver.removeNetns(f);
      }
      if (this.#store.attachments.size === 0) await this.#idle();
      this.#pool?.start();
    });
  }

  /** Published ports of every container (for callers checking conflicts). */
  publishedPorts(): PublishedPort[] {
    return this.attachments().flatMap((a) => a.ports);
  }
}
