/**
 * @module engine/images/context
 * What every image use case works with: the stores, the engine-wide lock for metadata
 * changes, the container engine's hooks, and Docker's image lookup.
 */
import { InvalidArgument, NotFound } from '../../errdefs/index.js';
import { isDigest, type Digest } from '../../image/digest.js';
import { familiarString, parseDockerRef, parseNormalizedNamed, tagNameOnly, type Reference } from '../../image/reference.js';
import type { ContentStore } from '../../store/content/types.js';
import type { ImageStore, ReferenceStore, StoredImage } from '../../store/images/types.js';
import type { LayerStore } from '../../store/layers/types.js';
import { Mutex } from '../../util/mutex.js';
import type { ContainerCounter, ImageInUseCheck } from './types.js';

export interface ImageDeps {
  content: ContentStore;
  layers: LayerStore;
  images: ImageStore;
  refs: ReferenceStore;
  isImageInUse?: ImageInUseCheck;
  countContainers?: ContainerCounter;
}

export class ImageContext {
  readonly content: ContentStore;
  readonly layers: LayerStore;
  readonly images: ImageStore;
  readonly refs: ReferenceStore;
  /** Serializes changes to images and references (tag, remove, the end of import/load). */
  readonly lock = new Mutex();
  readonly isImageInUse: ImageInUseCheck;
  readonly countContainers: ContainerCounter | undefined;

  constructor(d: ImageDeps) {
    this.content = d.content;
    this.layers = d.layers;
    this.images = d.images;
    this.refs = d.refs;
    this.isImageInUse = d.isImageInUse ?? (async () => undefined);
    this.countContainers = d.countContainers;
  }

  /**
   * Docker's GetImage: a digest-only reference is an ID; a named reference is looked up in
   * the references; otherwise the name is tried as an ID prefix.
   */
  resolve(name: string): StoredImage {
    const hexOnly = /^[a-f0-9]{64}$/.test(name);
    if (hexOnly || (name.startsWith('sha256:') && isDigest(name))) {
      const id = (hexOnly ? `sha256:${name}` : name) as Digest;
      const img = this.images.get(id);
      if (!img) throw new NotFound(`No such image: ${id}`);
      return img;
    }
    let ref: Reference;
    try {
      ref = parseNormalizedNamed(name);
    } catch (e) {
      throw new InvalidArgument((e as Error).message, { cause: e });
    }
    const id = this.refs.get(parseDockerRef(name));
    const byRef = id ? this.images.get(id) : undefined;
    if (byRef) return byRef;
    const byPrefix = this.images.search(name);
    if (byPrefix) return this.images.get(byPrefix)!;
    throw new NotFound(`No such image: ${familiarString(tagNameOnly(ref))}`);
  }

  /** Total size of an image: the sizes of all its layers. */
  sizeOf(img: StoredImage): number {
    let size = 0;
    for (const c of img.chainIds) size += this.layers.get(c)?.size ?? 0;
    return size;
  }

  /** Familiar tag and digest references of an image. */
  namesOf(id: Digest): { tags: string[]; digests: string[] } {
    const tags: string[] = [];
    const digests: string[] = [];
    for (const r of this.refs.referencesOf(id)) {
      if (r.digest !== undefined) digests.push(familiarString(r));
      else if (r.tag !== undefined) tags.push(familiarString(r));
    }
    return { tags, digests };
  }

  /** Images with no tag and no children ("dangling"). */
  isDangling(id: Digest): boolean {
    return this.refs.referencesOf(id).length === 0 && this.images.children(id).length === 0;
  }
}
