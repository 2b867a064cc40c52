/**
 * @module dockerfile/instructions/run-family
 * Instructions that carry a command line: RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { Node } from '../parser/node.js';
import { parseDuration } from './duration.js';
import { InstructionFlags } from './flags.js';
import type { CmdCommand, EntrypointCommand, HealthcheckCommand, Location, RunCommand, ShellCommand } from './types.js';

function commandLine(node: Node): { prependShell: boolean; cmdLine: string[] } {
  if (node.json) return { prependShell: false, cmdLine: node.args };
  return { prependShell: true, cmdLine: node.args.length ? [node.args[0]!] : [] };
}

export function parseRun(node: Node, location: Location): RunCommand {
  const f = new InstructionFlags(node.flags, { mount: 'list', network: 'string', security: 'string' });
  if (node.args.length === 0 && node.heredocs.length === 0) throw new InvalidArgument('RUN requires at least one argument');
  const network = f.string('network');
  if (network !== undefined && !['default', 'none', 'host'].includes(network)) {
    throw new InvalidArgument(`unsupported network mode "${network}"`);
  }
  const security = f.string('security');
  if (security !== undefined && !['sandbox', 'insecure'].includes(security)) {
    throw new InvalidArgument(`unsupported security mode "${security}"`);
  }
  return {
    kind: 'RUN',
    location,
    original: node.original,
    ...commandLine(node),
    heredocs: node.heredocs,
    mounts: f.list('mount'),
    ...(network !== undefined ? { network } : {}),
    ...(security !== undefined ? { security } : {}),
  };
}

export function parseCmd(node: Node, location: Location): CmdCommand {
  new InstructionFlags(node.flags, {});
  return { kind: 'CMD', location, original: node.original, ...commandLine(node) };
}

export function parseEntrypoint(node: Node, location: Location): EntrypointCommand {
  new InstructionFlags(node.flags, {});
  return { kind: 'ENTRYPOINT', location, original: node.original, ...commandLine(node) };
}

export function parseShell(node: Node, location: Location): ShellCommand {
  new InstructionFlags(node.flags, {});
  if (node.args.length === 0) throw new InvalidArgument('SHELL requires at least one argument');
  if (!node.json) throw new InvalidArgument('SHELL requires the arguments to be in JSON form');
  return { kind: 'SHELL', location, original: node.original, shell: node.args };
}

const minDuration = 1e6; // 1ms

export function parseHealthcheck(node: Node, location: Location): HealthcheckCommand {
  if (node.args.length === 0) throw new InvalidArgument('HEALTHCHECK requires at least one argument');
  const typ = node.args[0]!.toUpperCase();
  if (typ === 'NONE') {
    if (node.args.length > 1 || node.flags.length) throw new InvalidArgument('HEALTHCHECK NONE takes no arguments');
    return { kind: 'HEALTHCHECK', location, original: node.original, health: { test: ['NONE'] } };
  }
  if (typ !== 'CMD') throw new InvalidArgument(`Unknown type ${JSON.stringify(node.args[0])} in HEALTHCHECK (try CMD)`);
  const f = new InstructionFlags(node.flags, { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' });
  const cmd = node.args.slice(1);
  if (cmd.length === 0) throw new InvalidArgument('Missing command after HEALTHCHECK CMD');
  const test = node.json ? ['CMD', ...cmd] : ['CMD-SHELL', cmd[0]!];
  const dur = (name: string): number | undefined => {
    const v = f.string(name);
    if (v === undefined) return undefined;
    const ns = parseDuration(v);
    if (ns !== 0 && ns < minDuration) throw new InvalidArgument(`${name} cannot be less than 1ms`);
    if (ns < 0) throw new InvalidArgument(`${name} cannot be negative`);
    return ns;
  };
  const health: HealthcheckCommand['health'] = { test };
  const interval = dur('interval');
  const timeout = dur('timeout');
  const startPeriod = dur('start-period');
  const startInterval = dur('start-interval');
  if (interval !== undefined) health.interval = interval;
  if (timeout !== undefined) health.timeout = timeout;
  if (startPeriod !== undefined) health.startPeriod = startPeriod;
  if (startInterval !== undefined) health.startInterval = startInterval;
  const retries = f.string('retries');
  if (retries !== undefined) {
    const n = Number(retries);
    if (!Number.isInteger(n)) throw new InvalidArgument(`strconv.ParseInt: parsing ${JSON.stringify(retries)}: invalid syntax`);
    if (n < 0) throw new InvalidArgument(`--retries cannot be negative (${n})`);
    health.retries = n;
  }
  return { kind: 'HEALTHCHECK', location, original: node.original, health };
}
