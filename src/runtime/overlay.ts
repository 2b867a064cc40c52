/**
 * @module runtime/overlay
 * A container's root file system as a plain value: an overlay of an image's layers (read-only
 * lowers, top-most first, as short `l/<link>` paths relative to the layers root) under the
 * container's own upper and work directories. overlay-driver.ts performs it. Pure.
 */

/** The layers of an image as the layer store names them (see store/layers/types.ts). */
export interface LayerStack {
  /** The layers root, the cwd of the mount: `l/<link>` paths are relative to it. */
  layersRoot: string;
  /** Lowerdirs, top-most first (`['l/ABC…', 'l/DEF…']`); empty for an image without layers. */
  lowerLinks: string[];
}

export interface OverlayMount {
  /** The directory the mount is performed from. */
  cwd: string;
  /** Absolute mount point. */
  target: string;
  /** The overlay mount data (`lowerdir=…,upperdir=…,workdir=…`). */
  options: string;
}

/** The mount data must fit in one page. */
export const MOUNT_DATA_LIMIT = 4096;

/**
 * The overlay for `stack` with `upper` and `work` (absolute, on one file system). `emptyLower`
 * (an empty directory) stands in when the image has no layers, since overlayfs needs a lower.
 */
export function overlayMount(stack: LayerStack, dirs: { upper: string; work: string; target: string; emptyLower: string }): OverlayMount {
  const lowers = stack.lowerLinks.length ? stack.lowerLinks.join(':') : dirs.emptyLower;
  const options = `lowerdir=${lowers},upperdir=${dirs.upper},workdir=${dirs.work},index=off`;
  return { cwd: stack.layersRoot, target: dirs.target, options };
}
