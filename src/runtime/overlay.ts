/**
 * @module runtime/overlay
 * A container's root file system as a plain value: an overlay of an image's layers (read-only
 * lowers, top-most first, as short `l/<link>` paths relative to the layers root) under the
 * container's own upper and work directories. overlay-driver.ts performs it. Pure.
 *
 * Two ways to say the same mount: the new mount API takes one `lowerdir+` parameter per
 * layer (kernel 6.8+), so the depth is bounded only by the kernel's stack limit
 * ({@link OVERLAY_MAX_LOWERS}); mount(2) takes all options as one string of at most a page
 * ({@link MOUNT_DATA_LIMIT}), which the short relative links stretch to about 135 layers.
 */

/** The layers of an image as the layer store names them (see store/layers/types.ts). */
export interface LayerStack {
  /** The layers root, the cwd of the mount: `l/<link>` paths are relative to it. */
  layersRoot: string;
  /** Lowerdirs, top-most first (`['l/ABC…', 'l/DEF…']`); empty for an image without layers. */
  lowerLinks: string[];
}

export interface OverlayMount {
  /** The directory the mount is performed from: relative lowers resolve against it. */
  cwd: string;
  /** Absolute mount point. */
  target: string;
  /** Lowerdirs, top-most first (relative to cwd, or absolute); at least one. */
  lowers: string[];
  /** Upper and work directories (absolute); absent for a read-only overlay. */
  upper?: string;
  work?: string;
  /** Further options (`index=off`). */
  flags: string[];
}

/** The mount data of mount(2) must fit in one page. */
export const MOUNT_DATA_LIMIT = 4096;

/** The kernel's overlayfs stack limit (OVL_MAX_STACK): lower layers in one mount. */
export const OVERLAY_MAX_LOWERS = 500;

/**
 * The overlay for `stack` with `upper` and `work` (absolute, on one file system). `emptyLower`
 * (an empty directory) stands in when the image has no layers, since overlayfs needs a lower.
 */
export function overlayMount(stack: LayerStack, dirs: { upper: string; work: string; target: string; emptyLower: string }): OverlayMount {
  const lowers = stack.lowerLinks.length ? [...stack.lowerLinks] : [dirs.emptyLower];
  return { cwd: stack.layersRoot, target: dirs.target, lowers, upper: dirs.upper, work: dirs.work, flags: ['index=off'] };
}

/** The mount as mount(2) data: `lowerdir=A:B,upperdir=…,workdir=…,index=off`. */
export function mountData(m: OverlayMount): string {
  const parts = [`lowerdir=${m.lowers.join(':')}`];
  if (m.upper !== undefined) parts.push(`upperdir=${m.upper}`);
  if (m.work !== undefined) parts.push(`workdir=${m.work}`);
  return [...parts, ...m.flags].join(',');
}
