/**
 * @module runtime/fs/in-root
 * Paths inside a container's root file system, resolved by the kernel as the container sees
 * them: `openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)` from a descriptor of the root, so
 * absolute symlinks and `..` stay in the root, and a process in the container that swaps a
 * directory for a symlink (the CVE-2018-15664 race) can never lead berth to a host path: the
 * lookup is one atomic kernel walk, and what it returns is a descriptor, not a name to
 * re-resolve. Everything below the returned descriptors is then done relative to them (see
 * util/fd-path.ts).
 *
 * Lifecycle: {@link RootDir.open} a trusted host directory (berth's own rootfs mount or a
 * volume's source), resolve paths with {@link RootDir.open}/{@link RootDir.openDir}, and
 * {@link RootDir.close} it; every descriptor returned is the caller's to close.
 */
import { closeSync, constants as C, fstatSync, openSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { SystemError } from '../errdefs/index.js';
import { native, O_CLOEXEC, O_PATH, RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS } from './native.js';

const IN_ROOT = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

export class RootDir {
  readonly fd: number;
  #closed = false;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Opens the directory `hostPath` (a path berth trusts) as a root. */
  static open(hostPath: string): RootDir {
    return new RootDir(openSync(hostPath, C.O_RDONLY | C.O_DIRECTORY | O_CLOEXEC));
  }

  /**
   * Opens `path` (absolute or not, always taken inside the root) with `flags`; symlinks,
   * including the last component unless `flags` has O_NOFOLLOW, resolve inside the root.
   */
  open(path: string, flags: number, mode = 0): number {
    return native().openat2(this.fd, path === '' ? '.' : path, flags | O_CLOEXEC, mode, IN_ROOT);
  }

  /** Opens the directory at `path` (following symlinks in the root); ENOTDIR when it is not one. */
  openDir(path: string): number {
    return this.open(path, C.O_RDONLY | C.O_DIRECTORY);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.fd);
  }
}

/**
 * Docker's reading of a path given to the archive endpoints: cleaned as an absolute path,
 * keeping a trailing `/` or `/.` (which ask for the last component to be followed and to be
 * a directory). `dir` is where to resolve (following symlinks), `leaf` the last component to
 * look at without following it (none when the path is `/` or ends in `/` or `/.`).
 */
export function splitContainerPath(path: string): { abs: string; dir: string; leaf: string | undefined } {
  let abs = posix.join('/', path);
  if (path.endsWith('/.') || path === '.') abs = abs === '/' ? '/.' : `${abs.replace(/\/$/, '')}/.`;
  else if (path.endsWith('/') && abs !== '/') abs = `${abs.replace(/\/$/, '')}/`;
  if (abs === '/' || abs.endsWith('/') || abs.endsWith('/.')) return { abs, dir: abs, leaf: undefined };
  return { abs, dir: posix.dirname(abs), leaf: posix.basename(abs) };
}

/** Docker's `filepath.Base` of such a path: the entry name the archive uses. */
export function baseName(abs: string): string {
  if (abs.endsWith('/.')) return '.';
  const t = abs.replace(/\/+$/, '');
  return t === '' ? '/' : posix.basename(t);
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

/**
 * The content of the file at `path` inside the root `hostRoot` (a container's /etc/passwd),
 * resolved in the root; undefined when it does not exist or is not a file.
 */
export function readFileInRoot(hostRoot: string, path: string): string | undefined {
  let root: RootDir;
  try {
    root = RootDir.open(hostRoot);
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return undefined;
    throw e;
  }
  try {
    const fd = root.open(path, C.O_RDONLY | C.O_NONBLOCK);
    try {
      // Only a regular file: a fifo or a device planted there could block or never end.
      return fstatSync(fd).isFile() ? readFileSync(fd, 'utf8') : undefined;
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP', 'ENXIO'].includes(errno(e) ?? '')) return undefined;
    throw e;
  } finally {
    root.close();
  }
}

/**
 * For a root-relative path already resolved by name (every symlink followed in scope, as the
 * builder does for COPY and WORKDIR destinations): checks with the kernel that the part of it
 * that exists holds no symlink at all (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), so the
 * writes made through it cannot leave the root. A SystemError when one is found.
 */
export function assertNoSymlinks(hostRoot: string, rel: string): void {
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  const fd0 = openSync(hostRoot, C.O_RDONLY | C.O_DIRECTORY | O_CLOEXEC);
  try {
    for (let k = parts.length; k > 0; k--) {
      try {
        closeSync(native().openat2(fd0, parts.slice(0, k).join('/'), O_PATH | O_CLOEXEC, 0, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS));
        return;
      } catch (e) {
        if (errno(e) === 'ENOENT') continue;
        // A file where a directory is expected: the caller's own checks report it.
        if (errno(e) === 'ENOTDIR') return;
        if (errno(e) === 'ELOOP' || errno(e) === 'EXDEV') throw new SystemError(`/${rel} leads through a symbolic link that changed while it was resolved`, { cause: e });
        throw e;
      }
    }
  } finally {
    closeSync(fd0);
  }
}
