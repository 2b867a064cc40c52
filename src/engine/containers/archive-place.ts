/**
 * @module engine/containers/archive-place
 * Which host directory a container path of the archive endpoints lives in, as the container
 * sees it: the source of the volume or bind mount it is under (the longest destination that
 * is a prefix), the container's own hosts/hostname/resolv.conf files (bind-mounted by runc at
 * /etc/…, so `cp C:/etc/hosts -` gives the real file, as Docker does), or else the root file
 * system. The result is a root to open (util RootDir) and the path inside it; resolving that
 * path is the kernel's job (openat2 RESOLVE_IN_ROOT), never done here by name.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ContainerPaths } from '../../runtime/types.js';
import type { PlannedMount } from './mounts.js';
import type { ContainerRecord } from './record.js';

export interface Place {
  /** Host directory to open as the root. */
  hostRoot: string;
  /** The path inside it (starts with `/`; keeps a trailing `/` or `/.`). */
  inner: string;
  /** The container path `hostRoot` is seen at (for symlink targets in stat answers). */
  at: string;
  /** Under a mount: whether it is writable; undefined for the root file system. */
  rw?: boolean;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Places `abs` (a cleaned absolute container path, see splitContainerPath). */
export function placeOf(rec: ContainerRecord, files: ContainerPaths, rootfs: string, abs: string): Place {
  const bare = abs.replace(/\/\.?$/, '') || '/';
  const tail = abs.slice(bare.length);
  const mounts: { Destination: string; Source: string; RW: boolean }[] = [];
  for (const m of rec.Mounts as PlannedMount[]) {
    if (m.Type === 'tmpfs' || !m.Source) continue;
    mounts.push({ Destination: m.Destination.replace(/\/$/, '') || '/', Source: m.Source, RW: m.RW !== false });
  }
  // The files a start writes and runc bind-mounts over the image's, unless a mount of the user's is there.
  for (const [dest, src] of [['/etc/hosts', files.hosts], ['/etc/hostname', files.hostname], ['/etc/resolv.conf', files.resolvConf]] as const) {
    if (!mounts.some((m) => m.Destination === dest) && existsSync(src)) mounts.push({ Destination: dest, Source: src, RW: true });
  }
  let best: (typeof mounts)[number] | undefined;
  for (const m of mounts) {
    const under = bare === m.Destination || m.Destination === '/' || bare.startsWith(m.Destination + '/');
    if (under && (!best || m.Destination.length > best.Destination.length)) best = m;
  }
  if (!best) return { hostRoot: rootfs, inner: abs, at: '/' };
  if (!isDir(best.Source)) {
    // A file mounted at the very path: its directory is the root, its name the path.
    if (bare === best.Destination) return { hostRoot: dirname(best.Source), inner: `/${basename(best.Source)}${tail}`, at: dirname(best.Destination), rw: best.RW };
    return { hostRoot: rootfs, inner: abs, at: '/' };
  }
  const rest = bare.slice(best.Destination === '/' ? 0 : best.Destination.length) || '/';
  return { hostRoot: best.Source, inner: rest === '/' && tail ? tail : `${rest}${tail}`, at: best.Destination, rw: best.RW };
}
