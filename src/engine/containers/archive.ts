/**
 * @module engine/containers/archive
 * `docker cp` both ways and `export`: GET/HEAD /archive (a tar whose top entry is the path's
 * base name, and its stat in X-Docker-Container-Path-Stat), PUT /archive (a tar extracted
 * into a directory) and GET /export (the whole root file system).
 *
 * A running container's processes can change its files while berth reads or writes them, for
 * instance swap a directory for a symlink to a host path in a loop (CVE-2018-15664). So no
 * path inside a container is ever resolved by name on the host: the path is resolved once, by
 * the kernel, inside the container's root (openat2 RESOLVE_IN_ROOT, util/in-root.ts),
 * and everything below the descriptor that gives is read and written relative to descriptors
 * (the tar packer and extractor in fd mode). Paths under a volume or bind mount resolve in the
 * mount's source; the container's hosts, hostname and resolv.conf are its own files. A
 * stopped container's root is mounted for the duration of the call.
 */
import { closeSync, fstatSync, lstatSync, readlinkSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { PathStat } from '../../api/types/containers.js';
import { InvalidArgument, NotFound, SystemError } from '../../errdefs/index.js';
import type { ContainerPaths } from '../../runtime/types.js';
import { fdPath } from '../../util/fd-path.js';
import { baseName, readFileInRoot, RootDir, splitContainerPath } from '../../util/in-root.js';
import { O_PATH } from '../../util/native.js';
import { Extractor } from '../../util/tar/extract.js';
import { extractTarStream } from '../../util/tar/extract-stream.js';
import { packDir } from '../../util/tar/pack.js';
import { placeOf, type Place } from './archive-place.js';
import { copyOwnerIn } from './archive-owner.js';
import type { ContainerContext } from './context.js';
import type { ContainerRecord } from './record.js';

/** Go's os.FileMode bits for a stat mode. */
/**
 * User and group names by ID from the container's own /etc/passwd and /etc/group, as dockerd's
 * tar headers carry them (it packs `cp` and `export` archives chrooted into the container, where
 * Go's FileInfoHeader looks owners up); '' where none.
 */
function ownerNamesIn(rootfs: string): (uid: number, gid: number) => { uname: string; gname: string } {
  const table = (file: string): Map<number, string> => {
    const m = new Map<number, string>();
    let text: string | undefined;
    try {
      text = readFileInRoot(rootfs, file);
    } catch {
      return m;
    }
    for (const line of (text ?? '').split('\n')) {
      const f = line.split(':');
      const id = Number(f[2]);
      if (f.length >= 3 && f[0] && f[2] !== '' && Number.isInteger(id) && !m.has(id)) m.set(id, f[0]);
    }
    return m;
  };
  const users = table('/etc/passwd');
  const groups = table('/etc/group');
  return (uid, gid) => ({ uname: users.get(uid) ?? '', gname: groups.get(gid) ?? '' });
}

export function goFileMode(mode: number): number {
  const perm = mode & 0o777;
  let m = perm;
  const type = mode & 0o170000;
  if (type === 0o040000) m |= 2 ** 31;
  else if (type === 0o120000) m |= 2 ** 27;
  else if (type === 0o010000) m |= 2 ** 25;
  else if (type === 0o140000) m |= 2 ** 24;
  else if (type === 0o020000) m |= 2 ** 26 + 2 ** 21;
  else if (type === 0o060000) m |= 2 ** 26;
  if (mode & 0o4000) m |= 2 ** 23;
  if (mode & 0o2000) m |= 2 ** 22;
  if (mode & 0o1000) m |= 2 ** 20;
  return m >>> 0;
}

/** Runs `fn` with the container's root mounted (already, when it runs; for the call otherwise). */
async function withRoot<T>(ctx: ContainerContext, rec: ContainerRecord, fn: (rootfs: string, files: ContainerPaths) => Promise<T>): Promise<T> {
  const runtime = ctx.deps.runtime;
  const dir = ctx.store.dirOf(rec.ID);
  const files = runtime.paths(dir, rec.ID);
  if (rec.State.Running) return fn(files.rootfs, files);
  return ctx.locks.run(rec.ID, async () => {
    if (rec.State.Running) return fn(files.rootfs, files);
    const image = ctx.deps.imageById(rec.ImageID as `sha256:${string}`);
    if (!image) throw new SystemError(`the image of container ${rec.ID} no longer exists`);
    const mounted = await runtime.mountRoot(rec.ID, dir, { layersRoot: ctx.deps.layers.root, lowerLinks: ctx.deps.layers.lowerLinks(image.topChainId) });
    try {
      return await fn(mounted, files);
    } finally {
      await runtime.unmountRoot(rec.ID, dir);
    }
  });
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

function notFound(path: string, rec: ContainerRecord): NotFound {
  return new NotFound(`Could not find the file ${path} in container ${rec.Name.slice(1)}`);
}

/** Docker's errors for a path that cannot be looked at, worded with the container path only. */
function pathError(e: unknown, path: string, abs: string, rec: ContainerRecord): Error {
  if (code(e) === 'ENOENT') return notFound(path, rec);
  if (code(e) === 'ENOTDIR') return new SystemError(`lstat ${abs}: not a directory`, { cause: e });
  if (code(e) === 'ELOOP') return new SystemError(`lstat ${abs}: too many levels of symbolic links`, { cause: e });
  return new SystemError(`lstat ${abs}: ${code(e) ?? (e as Error).message}`, { cause: e });
}

function openRoot(place: Place, path: string, abs: string, rec: ContainerRecord): RootDir {
  try {
    return RootDir.open(place.hostRoot);
  } catch (e) {
    throw pathError(e, path, abs, rec);
  }
}

/**
 * What GET/HEAD /archive look at: the open directory to pack from and the entry in it (none:
 * the directory itself, for `/`, `dir/` and `dir/.`), with its stat. The caller closes `fd`.
 */
interface Target {
  fd: number;
  leaf: string | undefined;
  st: Stats;
}

function openTarget(root: RootDir, place: Place, leaf: string | undefined): Target {
  if (leaf === undefined) {
    const fd = root.openDir(place.inner);
    return { fd, leaf, st: fstatSync(fd) };
  }
  const fd = root.openDir(posix.dirname(place.inner));
  try {
    return { fd, leaf, st: lstatSync(fdPath(fd, leaf)) };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Docker's LinkTarget: the symlink fully resolved in the container, as an absolute path. */
function linkTargetOf(root: RootDir, place: Place, t: Target): string {
  const target = readlinkSync(fdPath(t.fd, t.leaf));
  try {
    const fd = root.open(place.inner, O_PATH);
    try {
      const host = readlinkSync(`/proc/self/fd/${fd}`);
      const base = readlinkSync(`/proc/self/fd/${root.fd}`);
      if (host === base) return place.at;
      if (host.startsWith(base + '/')) return posix.join(place.at, host.slice(base.length));
    } finally {
      closeSync(fd);
    }
  } catch {
    /* dangling: as written */
  }
  return target.startsWith('/') ? posix.join(place.at, target) : posix.join(place.at, posix.dirname(place.inner), target);
}

function statOf(root: RootDir, place: Place, t: Target, abs: string): PathStat {
  return {
    name: baseName(abs),
    size: t.st.size,
    mode: goFileMode(t.st.mode),
    mtime: t.st.mtime.toISOString().replace(/\.000Z$/, 'Z'),
    linkTarget: t.st.isSymbolicLink() ? linkTargetOf(root, place, t) : '',
  };
}

export function archiveOf(ctx: ContainerContext, ref: string, path: string, opts: { statOnly?: boolean }): Promise<{ stat: PathStat; tar?: Readable }> {
  const rec = ctx.store.resolve(ref);
  if (!path) throw new InvalidArgument('Path cannot be empty');
  const split = splitContainerPath(path);
  // Resolves as soon as the stat is known; the root stays mounted until the tar is consumed.
  return new Promise((resolve, reject) => {
    withRoot(ctx, rec, async (rootfs, files) => {
      const place = placeOf(rec, files, rootfs, split.abs);
      const root = openRoot(place, path, split.abs, rec);
      let t: Target;
      try {
        t = openTarget(root, place, split.leaf);
      } catch (e) {
        root.close();
        throw pathError(e, path, split.abs, rec);
      }
      let stat: PathStat;
      try {
        stat = statOf(root, place, t, split.abs);
      } catch (e) {
        closeSync(t.fd);
        root.close();
        throw pathError(e, path, split.abs, rec);
      }
      root.close();
      if (opts.statOnly) {
        closeSync(t.fd);
        return resolve({ stat });
      }
      const as = stat.name === '/' ? '.' : stat.name;
      let closed!: () => void;
      const done = new Promise<void>((r) => (closed = r));
      const tar = packDir(split.abs, { whiteouts: 'literal', dirfd: t.fd, top: t.leaf === undefined ? { as } : { name: t.leaf, as }, ownerNames: ownerNamesIn(rootfs) }, () => {
        closeSync(t.fd);
        closed();
      });
      resolve({ stat, tar });
      await done;
    }).catch(reject);
  });
}

/**
 * Extracts a tar at `path` in the container, with the archive's owners; with `copyUIDGID`
 * (`docker cp -a`) with the container user's, as dockerd does.
 */
export async function extractInto(ctx: ContainerContext, ref: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean }): Promise<void> {
  const rec = ctx.store.resolve(ref);
  if (!path) throw new InvalidArgument('Path cannot be empty');
  const split = splitContainerPath(path);
  await withRoot(ctx, rec, async (rootfs, files) => {
    const place = placeOf(rec, files, rootfs, split.abs);
    if (place.rw === false) throw new InvalidArgument('mounted volume is marked read-only');
    if (place.rw === undefined && rec.HostConfig.ReadonlyRootfs) throw new InvalidArgument('container rootfs is marked read-only');
    const root = openRoot(place, path, split.abs, rec);
    let fd: number;
    try {
      // The extraction point is followed to the end, symlinks included, inside the root.
      fd = root.openDir(place.inner);
    } catch (e) {
      if (code(e) === 'ENOTDIR') throw new InvalidArgument('extraction point is not a directory');
      throw pathError(e, path, split.abs, rec);
    } finally {
      root.close();
    }
    let owner: { uid: number; gid: number } | undefined;
    try {
      owner = opts.copyUIDGID ? copyOwnerIn(rootfs, rec.Config.User ?? '') : undefined;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    const ex = new Extractor(split.abs, { whiteouts: 'literal', dirfd: fd, ...(owner ? { owner } : {}) });
    try {
      await extractTarStream(tar, ex);
    } finally {
      closeSync(fd);
    }
  });
}

export function exportOf(ctx: ContainerContext, ref: string): Promise<Readable> {
  const rec = ctx.store.resolve(ref);
  return new Promise((resolve, reject) => {
    withRoot(ctx, rec, async (rootfs) => {
      const root = RootDir.open(rootfs);
      let closed!: () => void;
      const done = new Promise<void>((r) => (closed = r));
      resolve(packDir('/', { whiteouts: 'literal', dirfd: root.fd, ownerNames: ownerNamesIn(rootfs) }, () => {
        root.close();
        closed();
      }));
      await done;
    }).catch(reject);
  });
}
