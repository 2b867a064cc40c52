/**
 * @module cli/commands/run-option-parsers
 * The docker CLI's parsing and client-side checks of the `run`/`create` options that have a
 * grammar of their own: `--ulimit`, `--sysctl` (namespaced sysctls only), `--device`, and the
 * namespace modes of `--ipc`, `--pid`, `--uts` and `--cgroupns`. Errors carry the docker CLI's
 * words: FlagError (`invalid argument … for "--x" flag: …`, printed with the usage pointer) or
 * RunOptionError (printed as `berth: …` with the `--help` line).
 */
import type { DeviceMappingWire } from '../../api/types/containers.js';
import { InvalidArgument } from '../../errdefs/index.js';
import { FlagError } from '../../util/flags.js';

/** An option error the docker CLI prints as `docker: MESSAGE` (exit 125), not as a flag error. */
export class RunOptionError extends InvalidArgument {}

/** The resource names `--ulimit` accepts (go-units). */
const ULIMIT_NAMES = new Set([
  'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack',
]);

export interface UlimitWire {
  Name: string;
  Soft: number;
  Hard: number;
}

/** `NAME=SOFT[:HARD]` (go-units ParseUlimit); a later value of the same name replaces an earlier one. */
export function parseUlimits(list: string[]): UlimitWire[] | undefined {
  const byName = new Map<string, UlimitWire>();
  for (const raw of list) {
    const bad = (why: string) => new FlagError(`invalid argument "${raw}" for "--ulimit" flag: ${why}`);
    const parts = raw.split('=');
    if (parts.length !== 2) throw bad(`invalid ulimit argument: ${raw}`);
    const [name, value] = parts as [string, string];
    if (!ULIMIT_NAMES.has(name)) throw bad(`invalid ulimit type: ${name}`);
    const limits = value.split(':');
    if (limits.length > 2) throw bad(`too many limit value arguments - ${value}, can only have up to two, \`soft[:hard]\``);
    const num = (s: string): number => {
      if (!/^[+-]?\d+$/.test(s)) throw bad(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
      return Number(s);
    };
    const soft = num(limits[0]!);
    const hard = limits.length === 2 ? num(limits[1]!) : soft;
    if (soft > hard) throw bad(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
    byName.set(name, { Name: name, Soft: soft, Hard: hard });
  }
  return byName.size ? [...byName.values()] : undefined;
}

/** Sysctls a container may set: those of the IPC and network namespaces (docker CLI's ValidateSysctl). */
const NAMESPACED_SYSCTLS = new Set([
  'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced',
]);
const NAMESPACED_PREFIXES = ['net.', 'fs.mqueue.'];

/** True for a sysctl that lives in a namespace a container owns. */
export function isNamespacedSysctl(key: string): boolean {
  return NAMESPACED_SYSCTLS.has(key) || NAMESPACED_PREFIXES.some((p) => key.startsWith(p));
}

/** `--sysctl KEY=VALUE`, each key namespaced, as the docker CLI checks them. */
export function parseSysctls(list: string[]): Record<string, string> | undefined {
  if (!list.length) return undefined;
  const out: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    const key = eq < 0 ? '' : kv.slice(0, eq);
    if (eq < 0 || !isNamespacedSysctl(key)) throw new FlagError(`invalid argument "${kv}" for "--sysctl" flag: sysctl '${kv}' is not allowed`);
    out[key] = kv.slice(eq + 1);
  }
  return out;
}

/** A device cgroup mode: some of r, w and m, each at most once. */
export function validDeviceMode(mode: string): boolean {
  if (mode === '' || mode.length > 3) return false;
  const seen = new Set<string>();
  for (const c of mode) {
    if (!'rwm'.includes(c) || seen.has(c)) return false;
    seen.add(c);
  }
  return true;
}

/** `--device HOST[:CONTAINER][:MODE]` as the docker CLI parses it (MODE defaults to rwm). */
export function parseDevice(spec: string): DeviceMappingWire {
  const parts = spec.split(':');
  let src = '';
  let dst = '';
  let perms = 'rwm';
  switch (parts.length) {
    case 3:
      if (!validDeviceMode(parts[2]!)) throw new RunOptionError(`bad mode specified: ${parts[2]}`);
      perms = parts[2]!;
      src = parts[0]!;
      dst = parts[1]!;
      break;
    case 2:
      if (validDeviceMode(parts[1]!)) perms = parts[1]!;
      else dst = parts[1]!;
      src = parts[0]!;
      break;
    case 1:
      src = parts[0]!;
      break;
    default:
      throw new RunOptionError(`invalid device specification: ${spec}`);
  }
  if (!dst) dst = src;
  if (!dst.startsWith('/')) throw new RunOptionError(`${dst} is not an absolute path`);
  return { PathOnHost: src, PathInContainer: dst, CgroupPermissions: perms };
}

/** The docker CLI's error for an `--expose` value it cannot read (`parse` is the port parser's error). */
export function exposeError(value: string, parse: unknown): RunOptionError {
  const range = value.split('/')[0]!;
  const bad = range.split('-').find((p) => !/^\d+$/.test(p));
  const why = bad !== undefined ? `strconv.ParseUint: parsing ${JSON.stringify(bad)}: invalid syntax` : (parse as Error).message;
  return new RunOptionError(`invalid range format for --expose: ${value}, error: ${why}`);
}

/** `--pid`, `--uts` and `--cgroupns` values the docker CLI lets through. */
export function checkNamespaceFlags(v: { pid: string; uts: string; cgroupns: string }): void {
  if (v.pid && v.pid !== 'host' && !/^container:.+/.test(v.pid)) throw new RunOptionError('--pid: invalid PID mode');
  if (v.uts && v.uts !== 'host') throw new RunOptionError('--uts: invalid UTS mode');
  if (v.cgroupns && v.cgroupns !== 'host' && v.cgroupns !== 'private') throw new RunOptionError('--cgroupns: invalid CGROUP mode');
}
