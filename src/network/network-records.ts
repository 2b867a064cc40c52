/**
 * @module network/network-records
 * Network records as Docker shows them: the predefined `host` and `none`, the default `bridge`
 * (its subnet from `--bip`, else the first free one of the address pools), and user networks
 * checked as dockerd checks a create request. Pure: the manager saves what these return.
 */
import { Conflict, Forbidden, InvalidArgument, NotFound } from '../errdefs/index.js';
import { contains, firstHost, formatCidr, ipToNum, IpamError, overlaps, parseCidr, pickSubnet, type AddressPool, type Cidr } from './ipam.js';
import { bridgeName } from './netavark-driver.js';
import type { CreateNetworkRequest, NetworkRecord } from './types.js';

const now = () => new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');

export function predefinedNetwork(name: 'host' | 'none', id: string): NetworkRecord {
  return {
    Name: name, Id: id, Created: now(), Scope: 'local', Driver: name === 'host' ? 'host' : 'null', EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: [] }, Internal: false, Attachable: false, Ingress: false,
    ConfigFrom: { Network: '' }, ConfigOnly: false, Options: {}, Labels: {},
  };
}

/** The default network `bridge` on the Linux bridge `bridgeName`; `taken`: subnets it must not overlap. */
export function defaultBridgeRecord(o: { id: string; bridgeName: string; bip?: string; taken: Cidr[]; pools?: AddressPool[] }): NetworkRecord {
  let subnet: Cidr;
  let gateway: string;
  if (o.bip) {
    subnet = parseCidr(o.bip, true);
    const ip = o.bip.split('/')[0]!;
    gateway = ipToNum(ip) === subnet.base ? firstHost(subnet) : ip;
  } else {
    subnet = pickSubnet(o.taken, o.pools);
    gateway = firstHost(subnet);
  }
  return {
    Name: 'bridge', Id: o.id, Created: now(), Scope: 'local', Driver: 'bridge', EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: formatCidr(subnet), Gateway: gateway }] },
    Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Options: {
      'com.docker.network.bridge.default_bridge': 'true',
      'com.docker.network.bridge.enable_icc': 'true',
      'com.docker.network.bridge.enable_ip_masquerade': 'true',
      'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
      'com.docker.network.bridge.name': o.bridgeName,
      'com.docker.network.driver.mtu': '1500',
    },
    Labels: {},
  };
}

/** A user network from a create request; `existing`: every network now, `routes`: the host's. */
export function userNetworkRecord(req: CreateNetworkRequest, ctx: { id: string; existing: NetworkRecord[]; routes: Cidr[]; pools?: AddressPool[] }): NetworkRecord {
  const name = req.Name ?? '';
  if (!name) throw new InvalidArgument('network name must not be empty');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) throw new InvalidArgument(`invalid network name "${name}": must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`);
  if (ctx.existing.some((n) => n.Name === name)) throw new Conflict(`network with name ${name} already exists`);
  const driver = req.Driver || 'bridge';
  if (driver === 'host' || driver === 'null') throw new Forbidden(`only one instance of "${driver}" network is allowed`);
  if (driver !== 'bridge') throw new NotFound(`plugin "${driver}" not found`);
  if (req.EnableIPv6) throw new InvalidArgument('IPv6 networks are not supported by berth');
  const ipamConf = req.IPAM?.Config ?? [];
  if (ipamConf.length > 1) throw new InvalidArgument('berth networks take one IPv4 subnet');
  const existing = ctx.existing.flatMap((n) => n.IPAM.Config.map((c) => parseCidr(c.Subnet, true)));
  const c = ipamConf[0] ?? {};
  let subnet: Cidr;
  try {
    if (c.Subnet) {
      if (c.Subnet.includes(':')) throw new InvalidArgument('IPv6 networks are not supported by berth');
      subnet = parseCidr(c.Subnet, true);
      if (existing.some((e) => overlaps(e, subnet))) throw new Forbidden('Pool overlaps with other one on this address space');
    } else {
      if (c.Gateway || c.IPRange) throw new InvalidArgument('Invalid IPAM configuration: a gateway or ip-range needs a subnet');
      subnet = pickSubnet([...ctx.routes, ...existing], ctx.pools);
    }
    const gateway = c.Gateway || firstHost(subnet);
    if (!contains(subnet, ipToNum(gateway))) throw new InvalidArgument(`Invalid gateway ${gateway}: not in subnet ${formatCidr(subnet)}`);
    if (c.IPRange) {
      const r = parseCidr(c.IPRange, true);
      if (!contains(subnet, r.base) || r.prefix < subnet.prefix) throw new InvalidArgument(`Invalid IP range ${c.IPRange}: not in subnet ${formatCidr(subnet)}`);
    }
    const id = ctx.id;
    const rec: NetworkRecord = {
      Name: name, Id: id, Created: now(), Scope: 'local', Driver: 'bridge', EnableIPv6: false,
      IPAM: {
        Driver: 'default', Options: req.IPAM?.Options ?? null,
        Config: [{ Subnet: formatCidr(subnet), Gateway: gateway, ...(c.IPRange ? { IPRange: formatCidr(parseCidr(c.IPRange, true)) } : {}) }],
      },
      Internal: !!req.Internal, Attachable: !!req.Attachable, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
      Options: { ...(req.Options ?? {}) }, Labels: { ...(req.Labels ?? {}) },
      ...(c.Subnet && !c.Gateway ? { GatewayImplied: true } : {}),
    };
    const br = rec.Options['com.docker.network.bridge.name'];
    if (br !== undefined && !/^[a-zA-Z0-9_.-]{1,15}$/.test(br)) throw new InvalidArgument(`invalid bridge name "${br}": at most 15 characters of [a-zA-Z0-9_.-]`);
    if (br && ctx.existing.some((n) => n.Driver === 'bridge' && bridgeName(n) === br)) throw new Conflict(`bridge name ${br} is already used by another network`);
    return rec;
  } catch (e) {
    if (e instanceof IpamError) throw new InvalidArgument(e.message, { cause: e });
    throw e;
  }
}
