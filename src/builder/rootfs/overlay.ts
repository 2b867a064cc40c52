/**
 * @module builder/rootfs/overlay
 * Views of an image's file system for the builder, as overlay mounts of its layers:
 * - read-only (`COPY --from`, reading /etc/passwd for `--chown`, checking a WORKDIR): the
 *   layers as lowerdirs; a single layer is used directly, no layers is an empty directory;
 * - writable (COPY/ADD, WORKDIR): the layers below a fresh upper directory, which becomes the
 *   step's layer. With no layers below, the upper directory itself is the view.
 *
 * Lowerdirs are the layer store's short links (`l/<id>`), relative to the layers root, so
 * images with 100+ layers fit in the one page of mount options; the process changes into the
 * layers root for the duration of the (synchronous) mount call only.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '../../errdefs/index.js';
import { MNT_DETACH, native } from '../../util/native.js';

export interface RootfsView {
  /** Where the file system is visible. */
  readonly path: string;
  /** Unmounts (when mounted) and removes the view's temporary directories (not the upper dir). */
  release(): Promise<void>;
}

export interface WritableRootfs extends RootfsView {
  /** The upper directory: what was written through the view (overlay whiteouts for deletions). */
  readonly upper: string;
}

function tempDir(scratch: string, prefix: string): string {
  const dir = join(scratch, `${prefix}-${randomBytes(8).toString('hex')}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function mountOverlay(layersRoot: string, target: string, options: string): void {
  const cwd = process.cwd();
  try {
    process.chdir(layersRoot);
    native().mount('overlay', target, 'overlay', 0, options);
  } catch (e) {
    throw new SystemError(`cannot mount the image's layers at ${target}: ${(e as Error).message}`, { cause: e });
  } finally {
    process.chdir(cwd);
  }
}

async function unmountAndRemove(target: string, dir: string): Promise<void> {
  try {
    native().umount2(target, MNT_DETACH);
  } catch {
    /* not mounted */
  }
  await fs.rm(dir, { recursive: true, force: true });
}

/** A read-only view of the layers `lowers` (top-most first, relative to `layersRoot`). */
export function readOnlyView(layersRoot: string, lowers: readonly string[], scratch: string): RootfsView {
  if (lowers.length === 1) return { path: join(layersRoot, lowers[0]!), release: async () => {} };
  const dir = tempDir(scratch, 'ro');
  const target = join(dir, 'merged');
  mkdirSync(target);
  if (lowers.length === 0) return { path: target, release: () => fs.rm(dir, { recursive: true, force: true }) };
  mountOverlay(layersRoot, target, `lowerdir=${lowers.join(':')}`);
  return { path: target, release: () => unmountAndRemove(target, dir) };
}

/** A writable view: writes land in a new upper directory, on top of `lowers`. */
export function writableView(layersRoot: string, lowers: readonly string[], scratch: string): WritableRootfs {
  const dir = tempDir(scratch, 'rw');
  const upper = join(dir, 'upper');
  mkdirSync(upper, { mode: 0o755 });
  if (lowers.length === 0) {
    return { path: upper, upper, release: async () => {} };
  }
  const work = join(dir, 'work');
  const target = join(dir, 'merged');
  mkdirSync(work);
  mkdirSync(target);
  mountOverlay(layersRoot, target, `lowerdir=${lowers.join(':')},upperdir=${upper},workdir=${work}`);
  return {
    path: target,
    upper,
    release: async () => {
      try {
        native().umount2(target, MNT_DETACH);
      } catch {
        /* not mounted */
      }
      await fs.rm(work, { recursive: true, force: true });
      await fs.rm(target, { recursive: true, force: true });
    },
  };
}
