/**
 * @module engine/networks/container-networking
 * ContainerNetworking on a NetworkManager: `default` means `bridge`; the networks a container
 * joins are kept in its record (NetworkConfig, name → EndpointSettings); its published ports are
 * HostConfig.PortBindings plus, with PublishAllPorts, every exposed port; inspect and ps show
 * Docker's NetworkSettings and Ports (a wildcard binding listed for 0.0.0.0 and ::).
 */
import type { PortWire } from '../../api/types/containers.js';
import type { EndpointConfigWire } from '../../api/types/networks.js';
import { InvalidArgument, NotFound } from '../../errdefs/index.js';
import { pointEmbeddedDns } from '../../network/embedded-dns.js';
import { etcSettings } from '../../network/etc-files.js';
import type { Attachment, NetworkManager, PortRequest, PublishedPort } from '../../network/types.js';
import { parsePortProto, PortSpecError, type Protocol } from '../../util/port-spec.js';
import type { ContainerNetworking, JoinedNetwork } from '../containers/networking.js';
import { type ContainerRecord, ZERO_TIME } from '../containers/record.js';
import type { EventSink } from '../events/event-log.js';

/** The container's networks (name → endpoint settings), kept in its record. */
export type NetworkConfig = Record<string, EndpointConfigWire>;
type WithNetworks = ContainerRecord & { NetworkConfig?: NetworkConfig };

export function modeNetwork(mode: string | undefined): string {
  return !mode || mode === 'default' ? 'bridge' : mode;
}

/** The port requests of a container: its PortBindings, and with -P every exposed port too. */
export function portRequests(rec: Pick<ContainerRecord, 'Config' | 'HostConfig'>): PortRequest[] {
  const out: PortRequest[] = [];
  const bindings = rec.HostConfig.PortBindings ?? {};
  const keys = new Set(Object.keys(bindings));
  if (rec.HostConfig.PublishAllPorts) for (const k of Object.keys(rec.Config.ExposedPorts ?? {})) keys.add(k);
  for (const key of keys) {
    let p;
    try {
      p = parsePortProto(key);
    } catch (e) {
      throw new InvalidArgument(`invalid port specification: "${key}"`, { cause: e });
    }
    if (p.protocol === 'sctp') throw new InvalidArgument('sctp ports are not supported by berth');
    const list = bindings[key]?.length ? bindings[key]! : [{ HostIp: '', HostPort: '' }];
    for (let port = p.start; port <= p.end; port++) {
      for (const b of list) {
        if (b.HostIp && b.HostIp.includes(':') && b.HostIp !== '::') throw new InvalidArgument(`IPv6 host addresses are not supported by berth: ${b.HostIp}`);
        out.push({ containerPort: port, protocol: p.protocol as Protocol, hostIp: b.HostIp === '::' ? '' : b.HostIp ?? '', hostPort: b.HostPort ?? '' });
      }
    }
  }
  return out;
}

/** NetworkSettings.Ports: every exposed or published port; bound ones list their host side. */
export function portMap(rec: Pick<ContainerRecord, 'Config' | 'HostConfig'>, published: PublishedPort[]): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const k of Object.keys(rec.Config.ExposedPorts ?? {})) out[k] = null;
  for (const p of published) {
    const list = (out[`${p.containerPort}/${p.protocol}`] ??= []);
    if (p.hostIp) list.push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
    else list.push({ HostIp: '0.0.0.0', HostPort: String(p.hostPort) }, { HostIp: '::', HostPort: String(p.hostPort) });
  }
  return out;
}

export function portWires(rec: Pick<ContainerRecord, 'Config' | 'HostConfig'>, published: PublishedPort[]): PortWire[] {
  const out: PortWire[] = [];
  const seen = new Set<string>();
  for (const p of published) {
    seen.add(`${p.containerPort}/${p.protocol}`);
    for (const ip of p.hostIp ? [p.hostIp] : ['0.0.0.0', '::']) out.push({ IP: ip, PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.protocol });
  }
  for (const k of Object.keys(rec.Config.ExposedPorts ?? {})) {
    if (seen.has(k)) continue;
    const [port, proto = 'tcp'] = k.split('/');
    out.push({ PrivatePort: Number(port), Type: proto });
  }
  return out;
}

/**
 * Whether the container cannot change its network namespace: not privileged, no NET_ADMIN or
 * SYS_ADMIN, no net.* sysctls. Then, once it has ended, the namespace is as it was made.
 */
export function leavesNamespaceAsMade(rec: Pick<ContainerRecord, 'HostConfig'>): boolean {
  const h = rec.HostConfig;
  if (h.Privileged) return false;
  const caps = (h.CapAdd ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
  if (caps.some((c) => c === 'ALL' || c === 'NET_ADMIN' || c === 'SYS_ADMIN')) return false;
  return !Object.keys(h.Sysctls ?? {}).some((k) => k.startsWith('net.'));
}

export class ManagedContainerNetworking implements ContainerNetworking {
  readonly #net: NetworkManager;

  readonly #events: EventSink | undefined;
  readonly #leaving = new Map<string, Promise<void>>();
  /** Containers on `none` or `host`: no endpoint, but dockerd's connect and disconnect events all the same. */
  readonly #builtin = new Map<string, { id: string; name: string }>();

  constructor(net: NetworkManager, events?: EventSink) {
    this.#net = net;
    this.#events = events;
  }

  plan(networkMode: string, endpoints: Record<string, EndpointConfigWire | null> | undefined): NetworkConfig {
    const mode = modeNetwork(networkMode);
    if (mode === 'host' || mode === 'none') return {};
    // Another container's namespace: no endpoints of its own (the container engine joins it).
    if (mode.startsWith('container:')) return {};
    const primary = this.#net.get(mode);
    if (primary.Driver !== 'bridge') return {};
    const out: NetworkConfig = {};
    const eps = endpoints ?? {};
    // The docker CLI keys the primary endpoint by the mode as given (`default` too).
    const isPrimary = (name: string) => [networkMode, mode, primary.Name, primary.Id].includes(name) || modeNetwork(name) === primary.Name;
    out[primary.Name] = Object.entries(eps).find(([name]) => isPrimary(name))?.[1] ?? {};
    for (const [name, cfg] of Object.entries(eps)) {
      if (isPrimary(name)) continue;
      const n = this.#net.get(name);
      if (n.Driver !== 'bridge') throw new InvalidArgument(`container cannot be connected to network "${n.Name}" alongside others`);
      out[n.Name] = cfg ?? {};
    }
    for (const [name, cfg] of Object.entries(out)) {
      if (name === 'bridge' && (cfg.Aliases?.length || cfg.IPAMConfig?.IPv4Address)) {
        throw new InvalidArgument(cfg.Aliases?.length ? 'network-scoped alias is supported only for containers in user defined networks' : 'user specified IP address is supported on user defined networks only');
      }
    }
    return out;
  }

  async join(rec: ContainerRecord): Promise<JoinedNetwork | undefined> {
    const networks = (rec as WithNetworks).NetworkConfig ?? {};
    const names = Object.keys(networks);
    if (!names.length) {
      const mode = modeNetwork(rec.HostConfig.NetworkMode);
      if (mode === 'none' || mode === 'host') {
        const n = this.#net.get(mode);
        this.#builtin.set(rec.ID, { id: n.Id, name: n.Name });
        this.#event('connect', n.Id, n.Name, rec.ID);
      }
      return undefined;
    }
    let ports: PortRequest[];
    try {
      ports = portRequests(rec);
    } catch (e) {
      if (e instanceof PortSpecError) throw new InvalidArgument(e.message, { cause: e });
      throw e;
    }
    const a = await this.#net.attach({
      containerId: rec.ID,
      containerName: rec.Name.replace(/^\//, ''),
      hostname: rec.Config.Hostname,
      networks: names.map((n) => {
        const cfg = networks[n]!;
        const mac = cfg.MacAddress || (n === names[0] ? rec.Config.MacAddress : undefined);
        return { network: n, aliases: cfg.Aliases ?? [], ipv4: cfg.IPAMConfig?.IPv4Address || undefined, mac: mac || undefined };
      }),
      ports,
      reusable: leavesNamespaceAsMade(rec),
    });
    for (const ep of a.endpoints) {
      this.#event('connect', ep.networkId, ep.networkName, rec.ID);
      // As dockerd, the endpoint's settings keep the network's ID from now on (the start saves them).
      const cfg = networks[ep.networkName];
      if (cfg) cfg.NetworkID = ep.networkId;
    }
    const etc = etcSettings(a, (id) => this.#net.list().find((n) => n.Id === id));
    if (etc.dnsTarget) await pointEmbeddedDns(a.netnsPath, etc.dnsTarget);
    return { netnsPath: a.netnsPath, nameservers: etc.nameservers, addresses: etc.addresses };
  }

  leave(containerId: string, announced: Promise<void> = Promise.resolve()): Promise<void> {
    // Released now (a start right after the exit joins anew); the `disconnect` events go out as
    // soon as `announced` is (the exit's `die`), not after the teardown (netavark takes a while on
    // a user network): dockerd's waits answer after them, and compose waits only briefly.
    const builtin = this.#builtin.get(containerId);
    let said: Promise<void> = Promise.resolve();
    if (builtin) {
      this.#builtin.delete(containerId);
      said = announced.then(() => this.#event('disconnect', builtin.id, builtin.name, containerId));
    }
    // An exit and a removal may both release the same container at once: one release, one event each.
    let p = this.#leaving.get(containerId);
    if (!p) {
      const endpoints = this.#net.attachment(containerId)?.endpoints ?? [];
      const told = announced.then(() => {
        for (const ep of endpoints) this.#event('disconnect', ep.networkId, ep.networkName, containerId);
      });
      p = Promise.all([this.#net.detach(containerId), told]).then(() => {}).finally(() => this.#leaving.delete(containerId));
      this.#leaving.set(containerId, p);
    }
    return Promise.all([p, said]).then(() => {});
  }

  /** dockerd's network events: the network as Actor, the container and the network's name and type as attributes. */
  #event(action: string, networkId: string, name: string, containerId: string): void {
    const type = name === 'none' ? 'null' : name === 'host' ? 'host' : 'bridge';
    this.#events?.({ type: 'network', action, id: networkId, attributes: { container: containerId, name, type } });
  }

  #endpoints(rec: ContainerRecord, a: Attachment | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, cfg] of Object.entries((rec as WithNetworks).NetworkConfig ?? {})) {
      let networkId = '';
      try {
        networkId = this.#net.get(name).Id;
      } catch (e) {
        if (!(e instanceof NotFound)) throw e;
      }
      const ep = a?.endpoints.find((e) => e.networkName === name);
      // As dockerd: the settings name the network once an endpoint was made (a start, a connect
      // while running), not before; a record from before berth kept that: once it has started.
      if (!ep) networkId = cfg.NetworkID ?? (rec.HasBeenStarted ? networkId : '');
      // On a user network, an endpoint that exists or existed answers to the short ID and the
      // hostname too: API 1.41 lists them among the aliases (dockerd 25+ moved them to DNSNames
      // for API >= 1.45).
      const aliases = [...(cfg.Aliases ?? [])];
      if (name !== 'bridge' && (ep || rec.State.StartedAt !== ZERO_TIME)) {
        for (const extra of [rec.ID.slice(0, 12), rec.Config.Hostname]) if (extra && !aliases.includes(extra)) aliases.push(extra);
      }
      out[name] = {
        IPAMConfig: cfg.IPAMConfig ?? null, Links: cfg.Links ?? null, Aliases: aliases.length ? aliases : null, MacAddress: ep?.macAddress ?? '',
        DriverOpts: null, NetworkID: networkId, EndpointID: ep?.endpointId ?? '', Gateway: ep?.gateway ?? '', IPAddress: ep?.ipAddress ?? '',
        IPPrefixLen: ep?.prefixLen ?? 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: ep?.dnsNames.length ? ep.dnsNames : null,
      };
    }
    if (!Object.keys(out).length) {
      const mode = modeNetwork(rec.HostConfig.NetworkMode);
      // Sharing another container's namespace, it is on no network itself (Docker shows none).
      if (mode.startsWith('container:')) return out;
      let networkId = '';
      try {
        networkId = this.#net.get(mode).Id;
      } catch {
        /* container:… or a removed network */
      }
      if (!rec.HasBeenStarted) networkId = '';
      out[mode] = {
        IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, NetworkID: networkId, EndpointID: '', Gateway: '', IPAddress: '',
        IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
      };
    }
    return out;
  }

  #attachment(rec: ContainerRecord): Attachment | undefined {
    return rec.State.Running || rec.State.Paused ? this.#net.attachment(rec.ID) : undefined;
  }

  inspectSettings(rec: ContainerRecord): Record<string, unknown> {
    const a = this.#attachment(rec);
    const main = a?.endpoints.find((e) => e.networkName === 'bridge');
    // On `none` the running container has a namespace of its own all the same (runc made it):
    // named as the kernel names it, so `nsenter --net=SandboxKey` works as with dockerd.
    const own = !a && (rec.State.Running || rec.State.Paused) && rec.State.Pid > 0 && modeNetwork(rec.HostConfig.NetworkMode) === 'none';
    return {
      Bridge: '', SandboxID: a || own ? rec.ID : '', SandboxKey: a?.netnsPath ?? (own ? `/proc/${rec.State.Pid}/ns/net` : ''), Ports: a ? portMap(rec, a.ports) : {},
      HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
      EndpointID: main?.endpointId ?? '', Gateway: main?.gateway ?? '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
      IPAddress: main?.ipAddress ?? '', IPPrefixLen: main?.prefixLen ?? 0, IPv6Gateway: '', MacAddress: main?.macAddress ?? '',
      Networks: this.#endpoints(rec, a),
    };
  }

  summary(rec: ContainerRecord): { ports: PortWire[]; networks: Record<string, unknown> } {
    const a = this.#attachment(rec);
    return { ports: a ? portWires(rec, a.ports) : [], networks: this.#endpoints(rec, a) };
  }
}
