/**
 * @module util/port-spec
 * Docker's port notation, shared by the CLI (`-p`, `--expose`) and the daemon (PortBindings):
 * `[IP:][HOSTPORT:]CONTAINERPORT[/tcp|udp]`, where either port may be a range `A-B`. A host
 * range of the same length maps one to one; a single container port with a host range picks
 * one port of that range. An empty host port means "any free port". IPv6 addresses are given
 * in brackets (`[::1]:8080:80`). Pure.
 */

export type Protocol = 'tcp' | 'udp' | 'sctp';

/** One container port and where it is published (hostPort '' = pick one; 'A-B' = pick in range). */
export interface PortMapping {
  containerPort: number;
  protocol: Protocol;
  hostIp: string;
  hostPort: string;
}

export class PortSpecError extends Error {}

function parseRange(s: string, what: string, spec: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new PortSpecError(`Invalid ${what}: ${s}`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a > 65535 || b > 65535 || b < a) throw new PortSpecError(`Invalid ${what}: ${s}`);
  if (what === 'containerPort' && a === 0) throw new PortSpecError(`Invalid ${what}: ${s}`);
  void spec;
  return [a, b];
}

/** `80`, `80/udp`, `8000-8010/tcp` → the ports and protocol (`--expose`, ExposedPorts keys). */
export function parsePortProto(s: string): { start: number; end: number; protocol: Protocol } {
  const slash = s.indexOf('/');
  const proto = (slash < 0 ? 'tcp' : s.slice(slash + 1).toLowerCase()) as Protocol;
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new PortSpecError(`Invalid proto: ${proto}`);
  const [start, end] = parseRange(slash < 0 ? s : s.slice(0, slash), 'containerPort', s);
  return { start, end, protocol: proto };
}

/** Splits `ip:host:container` where ip may be `[v6]`. */
function splitSpec(spec: string): { ip: string; host: string; container: string } {
  let rest = spec;
  let ip = '';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') throw new PortSpecError(`Invalid ip address: ${spec}`);
    ip = rest.slice(1, close);
    rest = rest.slice(close + 2);
    const parts = rest.split(':');
    if (parts.length !== 2) throw new PortSpecError(`Invalid port format: ${spec}`);
    return { ip, host: parts[0]!, container: parts[1]! };
  }
  const parts = rest.split(':');
  if (parts.length === 1) return { ip: '', host: '', container: parts[0]! };
  if (parts.length === 2) return { ip: '', host: parts[0]!, container: parts[1]! };
  if (parts.length === 3) return { ip: parts[0]!, host: parts[1]!, container: parts[2]! };
  // A bare IPv6 address without brackets: everything before the last two fields.
  return { ip: parts.slice(0, -2).join(':'), host: parts.at(-2)!, container: parts.at(-1)! };
}

function validIp(ip: string): boolean {
  if (ip === '') return true;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return ip.split('.').every((o) => Number(o) <= 255);
  return /^[0-9a-fA-F:]+$/.test(ip) && ip.includes(':');
}

/** One `-p` value → its mappings (ranges expanded), as Docker's nat.ParsePortSpec. */
export function parsePublish(value: string): PortMapping[] {
  const slash = value.lastIndexOf('/');
  const hasProto = slash >= 0 && !value.slice(slash).includes(':') && !value.slice(slash).includes(']');
  const proto = (hasProto ? value.slice(slash + 1).toLowerCase() : 'tcp') as Protocol;
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new PortSpecError(`Invalid proto: ${proto}`);
  const { ip, host, container } = splitSpec(hasProto ? value.slice(0, slash) : value);
  if (!validIp(ip)) throw new PortSpecError(`Invalid ip address: ${ip}`);
  if (container === '') throw new PortSpecError(`No port specified: ${value}<empty>`);
  const [cs, ce] = parseRange(container, 'containerPort', value);
  let hs = 0;
  let he = 0;
  if (host !== '') [hs, he] = parseRange(host, 'hostPort', value);
  const n = ce - cs + 1;
  if (host !== '' && he - hs + 1 !== n && !(n === 1 && he > hs)) {
    throw new PortSpecError(`Invalid ranges specified for container and host Ports: ${container} and ${host}`);
  }
  const out: PortMapping[] = [];
  for (let i = 0; i < n; i++) {
    let hostPort = '';
    if (host !== '') hostPort = n === 1 && he > hs ? `${hs}-${he}` : String(hs + i);
    out.push({ containerPort: cs + i, protocol: proto, hostIp: ip, hostPort });
  }
  return out;
}

/** `80/tcp` keys of ExposedPorts / PortBindings. */
export function portKey(port: number, protocol: string): string {
  return `${port}/${protocol}`;
}

/** A HostPort value from the API: '' or '0' = any, 'N', or 'A-B' (pick in range). */
export function parseHostPort(s: string): { start: number; end: number } | undefined {
  if (s === '' || s === '0') return undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new PortSpecError(`invalid port specification: "${s}"`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 1 || end > 65535 || end < start) throw new PortSpecError(`invalid port specification: "${s}"`);
  return { start, end };
}
