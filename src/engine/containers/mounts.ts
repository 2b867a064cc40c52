/**
 * @module engine/containers/mounts
 * Docker's mount options of a container, parsed and validated at create time: `Binds`
 * (`-v SRC:DST[:OPTS]`, a host path or a volume name; `-v DST` an anonymous volume),
 * `Mounts` (`--mount type=bind|volume|tmpfs,…`), `Tmpfs` (`--tmpfs DST[:OPTS]`) and the
 * image's VOLUMEs (anonymous volumes). The result is the list of mount points inspect shows;
 * `ociMounts` turns it into OCI mounts at start. Pure, except for the volume resolver.
 */
import { isAbsolute } from 'node:path';
import type { MountPointWire, MountWire } from '../../api/types/containers.js';
import { InvalidArgument } from '../../errdefs/index.js';
import type { OciMount } from '../../runtime/types.js';
import { cleanAbsPath, cleanPath } from '../../util/go-path.js';

export interface PlannedMount extends MountPointWire {
  /** Anonymous volume (removed with `rm -v`). */
  Anonymous?: boolean;
  /** tmpfs options (--mount type=tmpfs). */
  TmpfsOptions?: string[];
  /** Do not copy the image's files into a new volume. */
  NoCopy?: boolean;
  /** A bind whose source must exist (--mount), rather than be created (-v). */
  MustExist?: boolean;
  /** Labels of the named volume, if this creates it (--mount volume-label=…). */
  VolumeLabels?: Record<string, string>;
}

const PROPAGATIONS = ['shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate'];
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** The kinds of `-v` mode words; a mode names each kind at most once (Docker's rule). */
const MODE_KINDS: string[][] = [['rw', 'ro'], ['z', 'Z'], PROPAGATIONS, ['nocopy'], ['consistent', 'cached', 'delegated']];
/** Mount flags Docker's tmpfs options may name, and the tmpfs data options it lets through. */
const TMPFS_FLAGS = new Set([
  'defaults', 'ro', 'rw', 'suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'sync', 'async', 'dirsync', 'remount', 'mand', 'nomand',
  'atime', 'noatime', 'diratime', 'nodiratime', 'bind', 'rbind', 'unbindable', 'runbindable', 'private', 'rprivate', 'shared', 'rshared',
  'slave', 'rslave', 'relatime', 'norelatime', 'strictatime', 'nostrictatime',
]);
const TMPFS_DATA = new Set(['', 'size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol']);
const ROOT_TARGET = "invalid specification: destination can't be '/'";

/** A `--tmpfs` value's options, checked as dockerd checks them (at start). */
export function checkTmpfsOptions(opts: string): void {
  for (const o of opts.split(',')) {
    if (TMPFS_FLAGS.has(o)) continue;
    const kv = o.split('=');
    const pair = kv.length > 1 ? [kv[0]!, kv.slice(1).join('=')] : kv;
    if (!TMPFS_DATA.has(pair[0]!)) throw new InvalidArgument(`invalid tmpfs option [${pair.map((p) => JSON.stringify(p)).join(' ')}]`);
  }
}

function validMode(opts: string): boolean {
  const counts = MODE_KINDS.map(() => 0);
  for (const o of opts.split(',')) {
    const kind = MODE_KINDS.findIndex((k) => k.includes(o));
    if (kind < 0 || ++counts[kind]! > 1) return false;
  }
  return true;
}

export function validateVolumeName(name: string): void {
  if (!VOLUME_NAME.test(name)) {
    throw new InvalidArgument(
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

/** One `-v` value. */
export function parseBind(spec: string): PlannedMount {
  const bad = () => new InvalidArgument(`invalid volume specification: '${spec}'`);
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw bad();
  if (parts.length === 1) {
    if (!isAbsolute(parts[0]!)) throw new InvalidArgument(`invalid volume specification: '${spec}': invalid mount config for type "volume": invalid mount path: '${parts[0]}' mount path must be absolute`);
    return { Type: 'volume', Name: '', Source: '', Destination: cleanAbsPath(parts[0]!), Driver: 'local', Mode: '', RW: true, Propagation: '', Anonymous: true };
  }
  const [src, dst, opts = ''] = parts as [string, string, string?];
  if (cleanPath(dst) === '/') throw new InvalidArgument(`invalid volume specification: '${spec}': invalid mount config for type "${src.startsWith('/') ? 'bind' : 'volume'}": ${ROOT_TARGET}`);
  if (!isAbsolute(dst)) throw new InvalidArgument(`invalid volume specification: '${spec}': invalid mount config for type "${src.startsWith('/') ? 'bind' : 'volume'}": invalid mount path: '${dst}' mount path must be absolute`);
  let rw = true;
  let propagation = '';
  let nocopy = false;
  if (opts && !validMode(opts)) throw new InvalidArgument(`invalid mode: ${opts}`);
  for (const o of opts ? opts.split(',') : []) {
    if (o === 'ro') rw = false;
    else if (o === 'rw') rw = true;
    else if (o === 'z' || o === 'Z' || o === 'consistent' || o === 'cached' || o === 'delegated') continue;
    else if (o === 'nocopy') nocopy = true;
    else if (PROPAGATIONS.includes(o)) propagation = o;
    else throw new InvalidArgument(`invalid mode: ${opts}`);
  }
  if (src.startsWith('/')) {
    if (nocopy) throw bad();
    return { Type: 'bind', Source: cleanAbsPath(src), Destination: cleanAbsPath(dst), Mode: opts, RW: rw, Propagation: propagation || 'rprivate' };
  }
  validateVolumeName(src);
  if (propagation) throw bad();
  return { Type: 'volume', Name: src, Source: '', Destination: cleanAbsPath(dst), Driver: 'local', Mode: opts === '' ? 'z' : opts, RW: rw, Propagation: '', NoCopy: nocopy };
}

/** One `--mount` value (HostConfig.Mounts item). */
export function parseMount(m: MountWire): PlannedMount {
  const type = m.Type;
  const fail = (detail: string) => new InvalidArgument(`invalid mount config for type "${type}": ${detail}`);
  if (!m.Target) throw fail('field Target must not be empty');
  if (cleanPath(m.Target) === '/') throw fail(ROOT_TARGET);
  if (!isAbsolute(m.Target)) throw fail(`invalid mount path: '${m.Target}' mount path must be absolute`);
  const dst = cleanAbsPath(m.Target);
  const rw = !m.ReadOnly;
  switch (type) {
    case 'bind': {
      if (!m.Source) throw fail('field Source must not be empty');
      if (!isAbsolute(m.Source)) throw fail(`invalid mount path: '${m.Source}' mount path must be absolute`);
      if (m.VolumeOptions || m.TmpfsOptions) throw fail('field VolumeOptions/TmpfsOptions must not be specified');
      const p = m.BindOptions?.Propagation || 'rprivate';
      if (!PROPAGATIONS.includes(p)) throw fail(`invalid propagation mode: ${p}`);
      return { Type: 'bind', Source: cleanAbsPath(m.Source), Destination: dst, Mode: '', RW: rw, Propagation: p, MustExist: !m.BindOptions?.CreateMountpoint };
    }
    case 'volume': {
      if (m.BindOptions || m.TmpfsOptions) throw fail('field BindOptions/TmpfsOptions must not be specified');
      if (m.Source) validateVolumeName(m.Source);
      return {
        Type: 'volume', Name: m.Source ?? '', Source: '', Destination: dst, Driver: m.VolumeOptions?.DriverConfig?.Name || 'local',
        Mode: 'z', RW: rw, Propagation: '', Anonymous: !m.Source, NoCopy: !!m.VolumeOptions?.NoCopy,
        ...(m.VolumeOptions?.Labels && Object.keys(m.VolumeOptions.Labels).length ? { VolumeLabels: m.VolumeOptions.Labels } : {}),
      };
    }
    case 'tmpfs': {
      if (m.Source) throw fail('field Source must not be specified');
      const opts: string[] = [];
      if (m.TmpfsOptions?.SizeBytes) opts.push(`size=${Math.floor(m.TmpfsOptions.SizeBytes / 1024)}k`);
      if (m.TmpfsOptions?.Mode) opts.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
      return { Type: 'tmpfs', Source: '', Destination: dst, Mode: '', RW: rw, Propagation: '', TmpfsOptions: opts };
    }
    default:
      throw new InvalidArgument(`invalid mount config for type "${String(type)}": mount type unknown`);
  }
}

export interface MountInputs {
  binds?: string[] | null;
  mounts?: MountWire[] | null;
  tmpfs?: Record<string, string> | null;
  /** The image's VOLUME paths. */
  imageVolumes?: string[];
}

/** Every mount point of a new container, checked for duplicates (Docker's `Duplicate mount point`). */
export function planMounts(inp: MountInputs): PlannedMount[] {
  const out: PlannedMount[] = [];
  const seen = new Set<string>();
  const add = (m: PlannedMount) => {
    if (seen.has(m.Destination)) throw new InvalidArgument(`Duplicate mount point: ${m.Destination}`);
    seen.add(m.Destination);
    out.push(m);
  };
  for (const b of inp.binds ?? []) add(parseBind(b));
  for (const m of inp.mounts ?? []) add(parseMount(m));
  for (const dst of Object.keys(inp.tmpfs ?? {})) {
    if (cleanPath(dst) === '/') throw new InvalidArgument(ROOT_TARGET);
    if (!isAbsolute(dst)) throw new InvalidArgument(`invalid mount path: '${dst}' mount path must be absolute`);
    seen.add(cleanAbsPath(dst));
  }
  for (const v of inp.imageVolumes ?? []) {
    const dst = cleanAbsPath(v);
    if (seen.has(dst)) continue;
    seen.add(dst);
    out.push({ Type: 'volume', Name: '', Source: '', Destination: dst, Driver: 'local', Mode: '', RW: true, Propagation: '', Anonymous: true });
  }
  return out;
}

/** tmpfs options as Docker builds them: nosuid,nodev,noexec unless the user says otherwise. */
export function tmpfsOptions(user: string[], readOnly = false): string[] {
  const opts = new Set(['nosuid', 'nodev', 'noexec']);
  const rest: string[] = [];
  for (const o of user) {
    if (!o) continue;
    if (o === 'exec') opts.delete('noexec');
    else if (o === 'suid') opts.delete('nosuid');
    else if (o === 'dev') opts.delete('nodev');
    else if (o === 'rw') continue;
    else if (o === 'ro') readOnly = true;
    else rest.push(o);
  }
  return [...opts, ...(readOnly ? ['ro'] : []), ...rest];
}

/** OCI mounts at start (volumes already resolved to their host directories in Source). */
export function ociMounts(points: readonly PlannedMount[], tmpfs: Record<string, string> | null | undefined): OciMount[] {
  const out: OciMount[] = [];
  for (const m of points) {
    if (m.Type === 'tmpfs') {
      out.push({ destination: m.Destination, type: 'tmpfs', source: 'tmpfs', options: tmpfsOptions(m.TmpfsOptions ?? [], !m.RW) });
      continue;
    }
    const opts = ['rbind', m.Propagation || 'rprivate'];
    if (!m.RW) opts.push('ro');
    out.push({ destination: m.Destination, type: 'bind', source: m.Source, options: opts });
  }
  for (const [dst, o] of Object.entries(tmpfs ?? {})) {
    out.push({ destination: cleanAbsPath(dst), type: 'tmpfs', source: 'tmpfs', options: tmpfsOptions(o.split(',')) });
  }
  return out;
}

/** What inspect shows (the planning details left out). */
export function mountPointWire(m: PlannedMount): MountPointWire {
  const w: MountPointWire = { Type: m.Type, Source: m.Source, Destination: m.Destination, Mode: m.Mode, RW: m.RW, Propagation: m.Propagation };
  if (m.Type === 'volume') {
    return { Type: 'volume', Name: m.Name, Source: m.Source, Destination: m.Destination, Driver: m.Driver ?? 'local', Mode: m.Mode, RW: m.RW, Propagation: '' };
  }
  return w;
}
