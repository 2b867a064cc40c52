/**
 * @module util/fd-path
 * Working from open directory descriptors instead of path names, for trees that another
 * process may change while berth works in them (a running container's root file system).
 *
 * A name is looked up relative to a descriptor through `/proc/self/fd/N/NAME`: the kernel
 * jumps to the very directory the descriptor holds (which no rename can move it off), then
 * looks up the single component NAME there. With the calls that never follow a last-component
 * symlink (lstat, mkdir, symlink, link, unlink, rmdir, lchown, lutimes, l*xattr, open with
 * O_NOFOLLOW or O_CREAT|O_EXCL) this is openat(2)/mkdirat(2)/… relative to that descriptor:
 * nothing is resolved again by name from a root, so a directory swapped for a symlink to the
 * host is never followed. Deeper paths are walked one component at a time with {@link openDirAt}.
 */
import { chmodSync, closeSync, constants as C, fstatSync, lstatSync, openSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { O_CLOEXEC, O_PATH } from './native.js';

/** The path that names `name` in the directory open as `fd` (the directory itself without a name). */
export function fdPath(fd: number, name?: string): string {
  return name === undefined ? `/proc/self/fd/${fd}/.` : `/proc/self/fd/${fd}/${name}`;
}

/** Opens the directory `name` (one component, never a symlink) in the directory `fd`. */
export function openDirAt(fd: number, name: string): number {
  if (name.includes('/') || name === '..' || name === '.' || name === '') throw new Error(`openDirAt: bad name ${JSON.stringify(name)}`);
  return openSync(fdPath(fd, name), C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW | O_CLOEXEC);
}

/** chmod of `name` in `fd` without following it if it is (or became) a symlink. */
export function chmodAt(fd: number, name: string, mode: number): void {
  const p = openSync(fdPath(fd, name), O_PATH | C.O_NOFOLLOW | O_CLOEXEC);
  try {
    if (fstatSync(p).isSymbolicLink()) return;
    // The magic link of an O_PATH descriptor leads to exactly the object it holds, never to a
    // name (fchmod would refuse an O_PATH descriptor with EBADF).
    chmodSync(`/proc/self/fd/${p}`, mode);
  } finally {
    closeSync(p);
  }
}

/** Removes `name` in the directory `fd`, recursively, without ever following a symlink. */
export function removeAllAt(fd: number, name: string): void {
  let st;
  try {
    st = lstatSync(fdPath(fd, name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!st.isDirectory()) {
    unlinkSync(fdPath(fd, name));
    return;
  }
  const child = openDirAt(fd, name);
  try {
    for (const n of readdirSync(fdPath(child))) removeAllAt(child, n);
  } finally {
    closeSync(child);
  }
  rmdirSync(fdPath(fd, name));
}
