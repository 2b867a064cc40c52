/**
 * @module engine/build/rootfs-export
 * The file system of an image as one tar (berth's `GET /images/{name}/rootfs`, what
 * `berth build --output type=local|tar` writes): the image's layers merged read-only through
 * overlayfs, packed with numeric owners in the layer tar format (sorted entries, no
 * whiteouts: the merged view shows none).
 */
import type { Readable } from 'node:stream';
import { readOnlyView } from '../../builder/rootfs/overlay.js';
import type { LayerReader } from '../../store/layers/types.js';
import { packDir } from '../../util/tar/pack.js';
import type { ImageService } from '../images/types.js';

export interface RootfsExportDeps {
  images: Pick<ImageService, 'resolve'>;
  layers: Pick<LayerReader, 'root' | 'lowerLinks'>;
  /** A directory on the data root for the temporary mount. */
  scratch: string;
}

/** The merged file system of image `name` (Docker's lookup) as a tar stream. */
export function exportImageRootfs(deps: RootfsExportDeps, name: string): Readable {
  const img = deps.images.resolve(name);
  const view = readOnlyView(deps.layers.root, deps.layers.lowerLinks(img.topChainId), deps.scratch);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    void view.release().catch(() => {});
  };
  try {
    return packDir(view.path, { whiteouts: 'literal' }, release);
  } catch (e) {
    release();
    throw e;
  }
}
