/**
 * @module runtime/rootfs
 * A container's root: the image's layers under an *init layer* of the container's own (the
 * mount points runc needs — /etc/hosts, /etc/hostname, /etc/resolv.conf, /dev, /proc, /sys —
 * plus /.dockerenv and /etc/mtab, as Docker's init layer has them), under the upper directory.
 * Because those mount points exist in a lower layer, runc never creates them in the upper
 * directory, so a build step's upper directory holds only what its command wrote.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { mountOverlay, unmount } from './overlay-driver.js';
import { overlayMount, type LayerStack } from './overlay.js';
import type { ContainerFiles } from './paths.js';

export async function ensureInitLayer(init: string): Promise<void> {
  const marker = join(init, '.dockerenv');
  try {
    await fs.access(marker);
    return;
  } catch {
    /* create it */
  }
  for (const d of ['dev/pts', 'dev/shm', 'etc', 'proc', 'sys']) await fs.mkdir(join(init, d), { recursive: true, mode: 0o755 });
  for (const f of ['etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'dev/console']) await fs.writeFile(join(init, f), '', { mode: 0o755 });
  await fs.symlink('/proc/mounts', join(init, 'etc/mtab')).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  await fs.writeFile(marker, '', { mode: 0o755 });
}

/** Mounts the container's root at files.rootfs (replacing a stale mount). */
export async function mountContainerRoot(files: ContainerFiles, layers: LayerStack): Promise<void> {
  await Promise.all([
    fs.mkdir(files.rootfs, { recursive: true }),
    fs.mkdir(files.upper, { recursive: true }),
    fs.mkdir(files.work, { recursive: true }),
    ensureInitLayer(files.init),
  ]);
  unmount(files.rootfs);
  mountOverlay(overlayMount({ layersRoot: layers.layersRoot, lowerLinks: [files.init, ...layers.lowerLinks] }, {
    upper: files.upper, work: files.work, target: files.rootfs, emptyLower: files.emptyLower,
  }));
}
