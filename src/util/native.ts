/**
 * @module util/native
 * Typed access to berth's small C addon (native/addon.c): device nodes, extended attributes
 * mounts, and file descriptors received over a unix socket, which Node.js does not expose. Errors carry `code` (e.g. "ENOENT") like fs errors.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export interface Native {
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Buffer): void;
  /** The attribute's value, or null when the file has no such attribute. */
  lgetxattr(path: string, name: string): Buffer | null;
  llistxattr(path: string): string[];
  mount(source: string | null, target: string, fstype: string | null, flags: number, data?: string | null): void;
  umount2(target: string, flags: number): void;
  /**
   * Mounts an overlay with the new mount API: one `lowerdir+` per layer (top-most first),
   * then upper/work when given and `flags` ("key=value" or "flag"). Relative paths resolve
   * against the cwd. Throws code "ENOSYS" when the kernel lacks the API or `lowerdir+`.
   */
  overlayMount(target: string, lowers: string[], upper: string | null, work: string | null, flags: string[]): void;
  /**
   * One length-prefixed message from a connected unix stream socket and the file descriptors
   * sent with it (close-on-exec); waits up to `timeoutMs` for each part.
   */
  recvCommand(fd: number, timeoutMs: number): { fds: number[]; data: Buffer };
}

/** Directory that holds the compiled C parts (dist/native/). */
export const nativeBuildDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native');

let loaded: Native | undefined;

export function native(): Native {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = require(join(nativeBuildDir, 'berth_native.node')) as Native;
  }
  return loaded;
}

// mount(2) flags used by berth.
export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_REMOUNT = 0x20;
export const MS_BIND = 0x1000;
export const MS_REC = 0x4000;
export const MS_PRIVATE = 0x40000;
export const MNT_DETACH = 0x2;
