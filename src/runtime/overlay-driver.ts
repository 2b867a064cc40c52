/**
 * @module runtime/overlay-driver
 * Performs overlay mounts (see overlay.ts) through the native addon, no `mount` process:
 * - with the new mount API (fsopen, one `lowerdir+` per layer, fsmount, move_mount) when the
 *   kernel has it (6.8+), so up to the kernel's 500 lowers mount;
 * - else with mount(2) and the one page of options, short relative lowerdirs included.
 * Either way the process changes into the mount's cwd so relative lowerdirs resolve, mounts,
 * and changes back, all synchronously so nothing else runs in between.
 */
import { relative } from 'node:path';
import { MNT_DETACH, native } from '../util/native.js';
import { InvalidArgument, SystemError } from '../errdefs/index.js';
import { MOUNT_DATA_LIMIT, OVERLAY_MAX_LOWERS, mountData, type OverlayMount } from './overlay.js';

/** Whether the kernel took `lowerdir+` (undefined until the first mount tries). */
let newApi: boolean | undefined;

/** The kernel's limit on one fsconfig string value (fs/fsopen.c). */
const FSCONFIG_VALUE_MAX = 255;

/** `p` relative to `cwd` when the absolute form is too long for one fsconfig value. */
function fitValue(p: string | undefined, cwd: string): string | undefined {
  if (p === undefined || Buffer.byteLength(p) <= FSCONFIG_VALUE_MAX) return p;
  return relative(cwd, p);
}

function mountNew(m: OverlayMount): boolean {
  try {
    native().overlayMount(m.target, m.lowers, fitValue(m.upper, m.cwd) ?? null, fitValue(m.work, m.cwd) ?? null, m.flags);
    newApi = true;
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSYS' && newApi === undefined) {
      newApi = false;
      return false;
    }
    throw e;
  }
}

function mountLegacy(m: OverlayMount): void {
  const data = mountData(m);
  if (Buffer.byteLength(data) >= MOUNT_DATA_LIMIT) {
    throw new InvalidArgument(
      `an image of ${m.lowers.length} layers needs a kernel with the new mount API (Linux 6.8 or newer) to run: ` +
        `its overlay mount options are ${Buffer.byteLength(data)} bytes, over mount(2)'s one-page limit`,
    );
  }
  native().mount('overlay', m.target, 'overlay', 0, data);
}

/** Mounts `m`; `what` names the mount in errors ("the container's root file system"). */
export function mountOverlay(m: OverlayMount, what = "the container's root file system"): void {
  if (m.lowers.length > OVERLAY_MAX_LOWERS) {
    throw new InvalidArgument(`max depth exceeded: ${m.lowers.length} layers, over overlayfs's limit of ${OVERLAY_MAX_LOWERS}`);
  }
  const prev = process.cwd();
  process.chdir(m.cwd);
  try {
    if (newApi === false || !mountNew(m)) mountLegacy(m);
  } catch (e) {
    if (e instanceof InvalidArgument) throw e;
    throw new SystemError(`mounting ${what}: ${(e as Error).message}`, { cause: e });
  } finally {
    process.chdir(prev);
  }
}

/** Test hook: forget (`undefined`) or force (`false`: mount(2) only) the choice of mount API. */
export function setNewMountApiForTest(v: boolean | undefined): void {
  newApi = v;
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
