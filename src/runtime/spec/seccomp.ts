/**
 * @module runtime/spec/seccomp
 * Docker-format seccomp profiles and their translation into the OCI spec's `linux.seccomp`,
 * with Docker's semantics (moby/profiles setupSeccomp):
 * - `archMap` gives the architectures: the entry of this host's architecture and its
 *   sub-architectures (a profile has either `archMap` or `architectures`, not both);
 * - a rule is kept unless its `excludes` match (this architecture is listed, the container
 *   holds any listed capability, the kernel is at least `minKernel`) or its `includes` do not
 *   (this architecture is not listed, the container lacks a listed capability, the kernel is
 *   older than `minKernel`); capabilities are the container's bounding set, which berth makes
 *   equal to its effective set;
 * - `name` is the old spelling of a one-name `names`.
 * A profile with no default action and no rules means no filter. Pure, apart from reading the
 * architecture and kernel release when the caller does not give them.
 */
import { release } from 'node:os';
import { InvalidArgument } from '../../errdefs/index.js';
import type { OciSeccomp, OciSeccompArg, OciSyscall } from './oci.js';

export interface SeccompFilter {
  caps?: string[];
  arches?: string[];
  /** "<kernel>.<major>", e.g. "4.8". */
  minKernel?: string;
}

export interface DockerSyscallRule {
  /** Deprecated spelling of a single name. */
  name?: string;
  names?: string[];
  action: string;
  errnoRet?: number;
  args?: OciSeccompArg[] | null;
  comment?: string;
  includes?: SeccompFilter;
  excludes?: SeccompFilter;
}

export interface DockerSeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[] | null;
  archMap?: { architecture: string; subArchitectures?: string[] | null }[] | null;
  flags?: string[] | null;
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: DockerSyscallRule[] | null;
}

/** What a profile is evaluated against. */
export interface SeccompTarget {
  /** The container's capabilities (`CAP_…`). */
  caps: readonly string[];
  /** libseccomp's name of this host's architecture (`amd64`, `arm64`, …); default: this host's. */
  arch?: string;
  /** The kernel release (`6.1.0-18-amd64`); default: this host's. */
  kernel?: string;
}

/** Node's process.arch → libseccomp's architecture names, as profiles spell them in `arches`. */
const NODE_TO_NATIVE: Record<string, string> = {
  ia32: 'x86', x64: 'amd64', arm: 'arm', arm64: 'arm64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsel',
  mips64: 'mips64', mips64el: 'mipsel64', ppc: 'ppc', ppc64: 'ppc64le', riscv64: 'riscv64', s390: 's390', s390x: 's390x',
};

/** libseccomp's architecture names → the spec's SCMP_ARCH_ constants. */
const NATIVE_TO_SCMP: Record<string, string> = {
  x86: 'SCMP_ARCH_X86', amd64: 'SCMP_ARCH_X86_64', arm: 'SCMP_ARCH_ARM', arm64: 'SCMP_ARCH_AARCH64',
  loong64: 'SCMP_ARCH_LOONGARCH64', mips64: 'SCMP_ARCH_MIPS64', mips64n32: 'SCMP_ARCH_MIPS64N32',
  mipsel64: 'SCMP_ARCH_MIPSEL64', mips3l64n32: 'SCMP_ARCH_MIPSEL64N32', mipsle: 'SCMP_ARCH_MIPSEL', ppc: 'SCMP_ARCH_PPC',
  ppc64: 'SCMP_ARCH_PPC64', ppc64le: 'SCMP_ARCH_PPC64LE', riscv64: 'SCMP_ARCH_RISCV64', s390: 'SCMP_ARCH_S390',
  s390x: 'SCMP_ARCH_S390X',
};

export function hostSeccompArch(nodeArch: string = process.arch): string {
  return NODE_TO_NATIVE[nodeArch] ?? nodeArch;
}

type Version = [number, number];

function parseMinKernel(v: string): Version {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m || (Number(m[1]) === 0 && Number(m[2]) === 0)) throw new InvalidArgument(`invalid kernel version: "${v}", expected "<kernel>.<major>"`);
  return [Number(m[1]), Number(m[2])];
}

function kernelVersion(rel: string): Version {
  const m = /^(\d+)\.(\d+)/.exec(rel);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

const atLeast = (k: Version, min: Version) => k[0] > min[0] || (k[0] === min[0] && k[1] >= min[1]);

/** Docker's LoadProfile errors: the message starts with "Decoding seccomp profile failed". */
function decodeError(why: string): InvalidArgument {
  return new InvalidArgument(`Decoding seccomp profile failed: ${why}`);
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || v === null || ok(v);

function checkFilter(f: unknown, where: string): void {
  if (f === undefined || f === null) return;
  const o = f as Record<string, unknown>;
  if (typeof f !== 'object' || Array.isArray(f) || !optional(o.caps, isStrings) || !optional(o.arches, isStrings) || !optional(o.minKernel, (v) => typeof v === 'string')) {
    throw decodeError(`${where}: expected {"caps": [string], "arches": [string], "minKernel": string}`);
  }
}

/** Parses a Docker-format profile (the JSON `--security-opt seccomp=FILE` sends), checking its types. */
export function parseSeccompProfile(text: string): DockerSeccompProfile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw decodeError((e as Error).message);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw decodeError('the profile is not a JSON object');
  const p = v as Record<string, unknown>;
  if (!optional(p.defaultAction, (x) => typeof x === 'string')) throw decodeError('"defaultAction" must be a string');
  if (!optional(p.defaultErrnoRet, (x) => Number.isInteger(x))) throw decodeError('"defaultErrnoRet" must be an integer');
  if (!optional(p.architectures, isStrings)) throw decodeError('"architectures" must be a list of strings');
  if (!optional(p.flags, isStrings)) throw decodeError('"flags" must be a list of strings');
  if (!optional(p.archMap, (x) => Array.isArray(x) && x.every((a) => typeof a === 'object' && a !== null && typeof (a as { architecture?: unknown }).architecture === 'string' && optional((a as { subArchitectures?: unknown }).subArchitectures, isStrings)))) {
    throw decodeError('"archMap" must be a list of {"architecture": string, "subArchitectures": [string]}');
  }
  if (!optional(p.syscalls, Array.isArray)) throw decodeError('"syscalls" must be a list');
  ((p.syscalls as unknown[] | undefined) ?? []).forEach((r, i) => {
    const where = `syscalls[${i}]`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw decodeError(`${where} is not an object`);
    const o = r as Record<string, unknown>;
    if (!optional(o.name, (x) => typeof x === 'string') || !optional(o.names, isStrings)) throw decodeError(`${where}: "names" must be a list of strings`);
    if (typeof o.action !== 'string') throw decodeError(`${where}: "action" must be a string`);
    if (!optional(o.errnoRet, (x) => Number.isInteger(x))) throw decodeError(`${where}: "errnoRet" must be an integer`);
    const argOk = (a: unknown) => typeof a === 'object' && a !== null && Number.isInteger((a as OciSeccompArg).index) && typeof (a as OciSeccompArg).value === 'number' && typeof (a as OciSeccompArg).op === 'string';
    if (!optional(o.args, (x) => Array.isArray(x) && x.every(argOk))) throw decodeError(`${where}: "args" must be a list of {"index", "value", "op"}`);
    checkFilter(o.includes, `${where}.includes`);
    checkFilter(o.excludes, `${where}.excludes`);
  });
  return p as unknown as DockerSeccompProfile;
}

function excluded(rule: DockerSyscallRule, arch: string, caps: ReadonlySet<string>, kernel: Version): boolean {
  const ex = rule.excludes;
  if (ex) {
    if (ex.arches?.includes(arch)) return true;
    if (ex.caps?.some((c) => caps.has(c))) return true;
    if (ex.minKernel && atLeast(kernel, parseMinKernel(ex.minKernel))) return true;
  }
  const inc = rule.includes;
  if (inc) {
    if (inc.arches?.length && !inc.arches.includes(arch)) return true;
    if (inc.caps?.length && !inc.caps.every((c) => caps.has(c))) return true;
    if (inc.minKernel && !atLeast(kernel, parseMinKernel(inc.minKernel))) return true;
  }
  return false;
}

/** The OCI `linux.seccomp` for a container, or undefined when the profile filters nothing. */
export function translateSeccomp(profile: DockerSeccompProfile, target: SeccompTarget): OciSeccomp | undefined {
  const rules = profile.syscalls ?? [];
  if (!profile.defaultAction && rules.length === 0) return undefined;
  if (profile.architectures?.length && profile.archMap?.length) {
    throw new InvalidArgument(`both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'`);
  }
  const arch = target.arch ?? hostSeccompArch();
  const kernel = kernelVersion(target.kernel ?? release());
  const caps = new Set(target.caps);
  const out: OciSeccomp = { defaultAction: profile.defaultAction };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  const scmp = NATIVE_TO_SCMP[arch];
  const mapped = profile.archMap?.find((a) => a.architecture === scmp);
  const arches = profile.architectures?.length ? [...profile.architectures] : mapped ? [mapped.architecture, ...(mapped.subArchitectures ?? [])] : [];
  if (arches.length) out.architectures = arches;
  if (profile.flags?.length) out.flags = [...profile.flags];
  if (profile.listenerPath) out.listenerPath = profile.listenerPath;
  if (profile.listenerMetadata) out.listenerMetadata = profile.listenerMetadata;
  const syscalls: OciSyscall[] = [];
  for (const rule of rules) {
    if (rule.name && rule.names?.length) {
      throw new InvalidArgument(`both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'`);
    }
    if (excluded(rule, arch, caps, kernel)) continue;
    const s: OciSyscall = { names: rule.name ? [rule.name] : [...(rule.names ?? [])], action: rule.action };
    if (rule.errnoRet !== undefined) s.errnoRet = rule.errnoRet;
    if (rule.args?.length) s.args = rule.args.map((a) => ({ ...a }));
    syscalls.push(s);
  }
  out.syscalls = syscalls;
  return out;
}
