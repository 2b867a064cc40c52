/**
 * @module runtime/overlay-driver
 * Performs overlay mounts (see overlay.ts) with mount(2) through the native addon: changes
 * into the layers root so the short relative lowerdirs resolve, mounts, and changes back, all
 * synchronously so nothing else runs in between. No `mount` process is spawned.
 */
import { MNT_DETACH, native } from '../util/native.js';
import { SystemError } from '../errdefs/index.js';
import { MOUNT_DATA_LIMIT, type OverlayMount } from './overlay.js';

export function mountOverlay(m: OverlayMount): void {
  if (Buffer.byteLength(m.options) >= MOUNT_DATA_LIMIT) {
    throw new SystemError(`overlay mount options for ${m.target} are ${Buffer.byteLength(m.options)} bytes, over the one-page limit`);
  }
  const prev = process.cwd();
  process.chdir(m.cwd);
  try {
    native().mount('overlay', m.target, 'overlay', 0, m.options);
  } catch (e) {
    throw new SystemError(`mounting the container's root file system at ${m.target}: ${(e as Error).message}`, { cause: e });
  } finally {
    process.chdir(prev);
  }
}

/** Unmounts `target`; returns false when nothing was mounted there. Busy mounts are detached. */
export function unmount(target: string): boolean {
  try {
    native().umount2(target, 0);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EINVAL' || code === 'ENOENT') return false;
    if (code === 'EBUSY') {
      native().umount2(target, MNT_DETACH);
      return true;
    }
    throw new SystemError(`unmounting ${target}: ${(e as Error).message}`, { cause: e });
  }
}

/** Whether something is mounted at `target` (by /proc/self/mountinfo). */
export async function isMounted(target: string): Promise<boolean> {
  const { readFile } = await import('node:fs/promises');
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const esc = target.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return info.split('\n').some((l) => l.split(' ')[4] === esc);
}
