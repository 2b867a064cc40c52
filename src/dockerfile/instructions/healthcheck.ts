/**
 * @module dockerfile/instructions/healthcheck
 * HEALTHCHECK: `NONE`, or `[--interval=d] [--timeout=d] [--start-period=d]
 * [--start-interval=d] [--retries=n] CMD command`. Durations are Go durations (`30s`,
 * `1m30s`, `500ms`) kept in nanoseconds; 0 (or not given) means the default applies, and a
 * non-zero duration under 1ms is an error.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { goQuote } from '../go-text.js';
import type { Node } from '../parser/node.js';
import { atLeastOne, base } from './base.js';
import { commandLine } from './command-line.js';
import { parseDuration } from './duration.js';
import { InstructionFlags } from './flags.js';
import type { HealthcheckCommand } from './types.js';

const minimumDuration = 1e6; // 1ms

function interval(flags: InstructionFlags, name: string): number {
  const v = flags.string(name);
  if (v === undefined) return 0;
  const ns = parseDuration(v);
  if (ns === 0) return 0;
  if (ns < minimumDuration) throw new InvalidArgument(`Interval ${goQuote(name)} cannot be less than 1ms`);
  return ns;
}

export function parseHealthcheck(node: Node, file: string): HealthcheckCommand {
  if (node.args.length === 0) throw atLeastOne('HEALTHCHECK');
  const typ = node.args[0]!.toUpperCase();
  const args = node.args.slice(1);
  const health = { test: [] as string[], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
  if (typ === 'NONE') {
    if (args.length !== 0) throw new InvalidArgument('HEALTHCHECK NONE takes no arguments');
    return { kind: 'HEALTHCHECK', ...base(node, file), none: true, health: { ...health, test: ['NONE'] } };
  }
  const flags = new InstructionFlags(node.flags, {
    interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string',
  });
  if (typ !== 'CMD') throw new InvalidArgument(`Unknown type ${goQuote(typ)} in HEALTHCHECK (try CMD)`);
  const { cmdLine, prependShell } = commandLine(node, args);
  if (cmdLine.length === 0) throw new InvalidArgument('Missing command after HEALTHCHECK CMD');
  health.test = [prependShell ? 'CMD-SHELL' : 'CMD', ...cmdLine];
  health.interval = interval(flags, 'interval');
  health.timeout = interval(flags, 'timeout');
  health.startPeriod = interval(flags, 'start-period');
  health.startInterval = interval(flags, 'start-interval');
  const retries = flags.string('retries');
  if (retries !== undefined) {
    if (!/^[+-]?[0-9]+$/.test(retries) || Math.abs(Number(retries)) > 2147483647) {
      throw new InvalidArgument(`strconv.ParseInt: parsing ${goQuote(retries)}: ${/^[+-]?[0-9]+$/.test(retries) ? 'value out of range' : 'invalid syntax'}`);
    }
    const n = Number(retries);
    if (n < 0) throw new InvalidArgument(`--retries cannot be negative (${n})`);
    health.retries = n;
  }
  return { kind: 'HEALTHCHECK', ...base(node, file), none: false, health };
}
