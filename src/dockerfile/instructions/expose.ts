/**
 * @module dockerfile/instructions/expose
 * EXPOSE: port specs as Docker reads them — `80`, `80/tcp`, `53/udp`, `132/sctp`, ranges
 * `8000-8002/tcp` (one entry per port), protocol case-insensitive (kept lower-case), default
 * tcp. An `ip:hostPort:containerPort` form is accepted (only the container port counts), as
 * Docker does. Errors are InvalidArgument in BuildKit's words.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { Node } from '../parser/node.js';
import { atLeastOne, base } from './base.js';
import { InstructionFlags } from './flags.js';
import type { ExposeCommand, ExposedPort } from './types.js';

function portNumber(raw: string): number {
  if (raw === '') throw new InvalidArgument('value is empty');
  if (!/^[+-]?[0-9]+$/.test(raw)) throw new InvalidArgument('invalid syntax');
  const n = Number(raw);
  if (n < 0 || n > 65535) throw new InvalidArgument('value out of range (0–65535)');
  return n;
}

function portRange(ports: string): [number, number] {
  if (ports === '') throw new InvalidArgument('empty string specified for ports');
  const dash = ports.indexOf('-');
  const start = dash < 0 ? ports : ports.slice(0, dash);
  const end = dash < 0 ? '' : ports.slice(dash + 1);
  const first = portNumber(start);
  if (dash < 0 || start === end) return [first, first];
  const last = portNumber(end);
  if (last < first) throw new InvalidArgument(`invalid port range: ${ports}`);
  return [first, last];
}

function isIP(ip: string): boolean {
  if (/^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/.test(ip)) return true;
  if (!ip.includes(':') || !/^[0-9a-fA-F:.]+$/.test(ip)) return false;
  try {
    new URL(`http://[${ip}]/`);
    return true;
  } catch {
    return false;
  }
}

/** The ports one EXPOSE word stands for (a range gives one entry per port). */
export function parsePortSpec(raw: string): ExposedPort[] {
  const parts = raw.split(':');
  const n = parts.length;
  const containerPart = parts[n - 1]!;
  const hostPort = n >= 2 ? parts[n - 2]! : '';
  let ip = n >= 3 ? parts.slice(0, n - 2).join(':') : '';
  const slash = containerPart.indexOf('/');
  const port = slash < 0 ? containerPart : containerPart.slice(0, slash);
  const proto = (slash < 0 ? '' : containerPart.slice(slash + 1)).toLowerCase() || 'tcp';
  if (port === '') throw new InvalidArgument(`invalid port: ${JSON.stringify(raw)}: no port specified`);
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') {
    throw new InvalidArgument(`invalid port: ${JSON.stringify(raw)}: invalid proto: ${containerPart.slice(slash + 1)}`);
  }
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (ip !== '' && !isIP(ip)) throw new InvalidArgument(`invalid IP address: ${ip}`);
  let range: [number, number];
  try {
    range = portRange(port);
  } catch (e) {
    throw new InvalidArgument(`invalid containerPort: ${port}`, { cause: e });
  }
  if (hostPort !== '') {
    let hostRange: [number, number];
    try {
      hostRange = portRange(hostPort);
    } catch (e) {
      throw new InvalidArgument(`invalid hostPort: ${hostPort}`, { cause: e });
    }
    if (range[1] - range[0] !== hostRange[1] - hostRange[0] && range[1] !== range[0]) {
      throw new InvalidArgument(`invalid ranges specified for container and host Ports: ${port} and ${hostPort}`);
    }
  }
  const out: ExposedPort[] = [];
  for (let p = range[0]; p <= range[1]; p++) out.push({ port: p, protocol: proto, key: `${p}/${proto}` });
  return out;
}

/** The ports of several EXPOSE words, without duplicates, in order. */
export function parsePortSpecs(specs: readonly string[]): ExposedPort[] {
  const seen = new Map<string, ExposedPort>();
  for (const s of specs) for (const p of parsePortSpec(s)) if (!seen.has(p.key)) seen.set(p.key, p);
  return [...seen.values()];
}

export function parseExpose(node: Node, file: string): ExposeCommand {
  if (node.args.length === 0) throw atLeastOne('EXPOSE');
  new InstructionFlags(node.flags, {});
  const specs = [...node.args].sort();
  // Docker checks ports when the step runs: here words that use variables or are invalid are
  // left out; expandCommand parses them all (and fails on a bad one).
  const valid = specs.filter((s) => {
    if (s.includes('$')) return false;
    try {
      parsePortSpec(s);
      return true;
    } catch {
      return false;
    }
  });
  return { kind: 'EXPOSE', ...base(node, file), specs, ports: parsePortSpecs(valid) };
}
