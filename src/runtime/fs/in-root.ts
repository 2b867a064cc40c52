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
import { closeSync, constants as C, openSync } from 'node:fs';
import { posix } from 'node:path';
import { native, O_CLOEXEC, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS } from '../../util/native.js';

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
