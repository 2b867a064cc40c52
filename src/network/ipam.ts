/**
 * @module network/ipam
 * IPv4 address management, pure: CIDR parsing, Docker's default address pools (172.17–31/16,
 * then 192.168.0.0/16 in /20s) or the daemon's own (`--default-address-pool`), picking a subnet that overlaps neither a host route nor
 * another network, and allocating addresses in a subnet (or its ip-range), skipping the
 * network and broadcast addresses and the gateway.
 */

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export class IpamError extends Error {}

export function ipToNum(ip: string): number {
  const p = ip.split('.');
  if (p.length !== 4 || !p.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) throw new IpamError(`invalid IPv4 address: ${ip}`);
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

export function numToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** `10.1.2.0/24` → base and prefix; host bits must be zero unless `loose`. */
export function parseCidr(s: string, loose = false): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s);
  if (!m || Number(m[2]) > 32) throw new IpamError(`invalid CIDR address: ${s}`);
  const ip = ipToNum(m[1]!);
  const prefix = Number(m[2]);
  const base = (ip & maskOf(prefix)) >>> 0;
  if (!loose && base !== ip) throw new IpamError(`invalid subnet ${s}: it should be ${numToIp(base)}/${prefix}`);
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${numToIp(c.base)}/${c.prefix}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function contains(c: Cidr, ip: number): boolean {
  return ((ip & maskOf(c.prefix)) >>> 0) === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & maskOf(p)) >>> 0) === ((b.base & maskOf(p)) >>> 0);
}

/** Docker's default local address pools, in the order it uses them. */
export function* defaultPools(): Generator<Cidr> {
  for (let i = 17; i <= 31; i++) yield { base: ipToNum(`172.${i}.0.0`), prefix: 16 };
  for (let i = 0; i < 256; i += 16) yield { base: ipToNum(`192.168.${i}.0`), prefix: 20 };
}

/** An address pool of dockerd's `--default-address-pool base=CIDR,size=N`: subnets of /size cut from base. */
export interface AddressPool {
  base: Cidr;
  size: number;
}

/** `base=10.10.0.0/16,size=24` (dockerd's flag value). */
export function parseAddressPool(s: string): AddressPool {
  const kv = new Map(s.split(',').map((p) => [p.slice(0, p.indexOf('=')).trim(), p.slice(p.indexOf('=') + 1).trim()] as [string, string]));
  const base = kv.get('base');
  const sizeText = kv.get('size');
  if (!base || !sizeText || kv.size !== 2 || !/^\d{1,2}$/.test(sizeText)) throw new IpamError(`invalid default address pool "${s}": want base=CIDR,size=N`);
  return addressPool(base, Number(sizeText));
}

export function addressPool(base: string, sizeBits: number): AddressPool {
  const c = parseCidr(base);
  if (!Number.isInteger(sizeBits) || sizeBits < c.prefix || sizeBits > 30) throw new IpamError(`invalid default address pool ${base}: size ${sizeBits} must be between ${c.prefix} and 30`);
  return { base: c, size: sizeBits };
}

/** The subnets `pools` give, in order (Docker's defaults without pools). */
export function* poolSubnets(pools?: readonly AddressPool[]): Generator<Cidr> {
  if (!pools?.length) {
    yield* defaultPools();
    return;
  }
  for (const p of pools) {
    const step = 2 ** (32 - p.size);
    for (let b = p.base.base; b < p.base.base + size(p.base); b += step) yield { base: b >>> 0, prefix: p.size };
  }
}

/** The first subnet of the pools (default: Docker's) that overlaps none of `taken` (host routes and existing networks). */
export function pickSubnet(taken: Cidr[], pools?: readonly AddressPool[]): Cidr {
  for (const c of poolSubnets(pools)) if (!taken.some((t) => overlaps(c, t))) return c;
  throw new IpamError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}

/** The first usable address (Docker's default gateway). */
export function firstHost(c: Cidr): string {
  return numToIp(c.base + 1);
}

/**
 * The lowest free address of `range` (default: the whole subnet) inside `subnet`, skipping the
 * network and broadcast addresses and everything in `used`.
 */
export function allocate(subnet: Cidr, used: Set<string>, range?: Cidr): string {
  const r = range ?? subnet;
  const lo = Math.max(r.base, subnet.base + 1);
  const hi = Math.min(r.base + size(r) - 1, subnet.base + size(subnet) - 2);
  for (let n = lo; n <= hi; n++) {
    const ip = numToIp(n);
    if (!used.has(ip)) return ip;
  }
  throw new IpamError(`no available IPv4 addresses on this network's address pools: ${formatCidr(subnet)}`);
}

/** Checks a requested address: inside the subnet (and range), not special, not taken. */
export function claim(subnet: Cidr, used: Set<string>, ip: string): string {
  const n = ipToNum(ip);
  if (!contains(subnet, n) || n === subnet.base || n === subnet.base + size(subnet) - 1) {
    throw new IpamError(`no configured subnet contains IP address ${ip}`);
  }
  if (used.has(ip)) throw new IpamError(`Address already in use`);
  return ip;
}

/** Docker's MAC for an address: 02:42 followed by the four bytes of the IPv4 address. */
export function macFor(ip: string): string {
  const n = ipToNum(ip);
  return ['02', '42', ...[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** IPv4 routes of the host from /proc/net/route's text (destination and mask, little-endian hex); the default route is left out. */
export function routesFromProc(text: string): { iface: string; cidr: Cidr }[] {
  const out: { iface: string; cidr: Cidr }[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const le = (h: string) => Buffer.from(h, 'hex').readUInt32LE(0);
    const dest = le(f[1]!);
    const mask = le(f[7]!);
    if (mask === 0) continue;
    const prefix = 32 - Math.log2(((~mask >>> 0) + 1) || 2 ** 32);
    if (!Number.isInteger(prefix)) continue;
    out.push({ iface: f[0]!, cidr: { base: dest >>> 0, prefix } });
  }
  return out;
}
