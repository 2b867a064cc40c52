/**
 * @module builder/rootfs/overlay
 * Views of an image's file system for the builder, as overlay mounts of its layers:
 * - read-only (`COPY --from`, reading /etc/passwd for `--chown`, checking a WORKDIR): the
 *   layers as lowerdirs; a single layer is used directly, no layers is an empty directory;
 * - writable (COPY/ADD, WORKDIR): the layers below a fresh upper directory, which becomes the
 *   step's layer. With no layers below, the upper directory itself is the view.
 *
 * Lowerdirs are the layer store's short links (`l/<id>`), relative to the layers root; the
 * runtime's overlay driver mounts them (one `lowerdir+` per layer where the kernel allows,
 * so deep images build as they run).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { MNT_DETACH, native } from '../../util/native.js';
import { mountOverlay } from '../../runtime/types.js';

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

function mountLayers(layersRoot: string, target: string, lowers: readonly string[], rw?: { upper: string; work: string }): void {
  mountOverlay({ cwd: layersRoot, target, lowers: [...lowers], upper: rw?.upper, work: rw?.work, flags: [] }, "the image's layers");
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
  mountLayers(layersRoot, target, lowers);
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
  mountLayers(layersRoot, target, lowers, { upper, work });
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
