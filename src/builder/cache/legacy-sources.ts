/**
 * @module builder/cache/legacy-sources
 * Docker's legacy `--cache-from` (POST /build's `cachefrom`, as the docker CLI sends it with
 * DOCKER_BUILDKIT=0): local images whose history steps may reuse, as dockerd's image cache
 * does it.
 *
 * - A step matches a source image when the stage's current image is a valid parent of the
 *   source (its history and diffIDs are a prefix of the source's) and the source's next
 *   history entry was made by the same command (`created_by` = the step's probe Cmd joined by
 *   spaces, which carries a COPY's content hash and a RUN's build args).
 * - On the source's last entry the source itself is the hit; before it, an image is made
 *   from the parent's history and layers plus the source's entry and layer (the step's probe
 *   config as its config), and from then on only that source is followed.
 * - With sources given, a hit of the local cache counts only when it is an ancestor of a
 *   source (dockerd's rule): a build with `--cache-from` uses the sources' steps.
 * - Names that are not images here are skipped (dockerd logs them); nothing is pulled.
 */
import type { ContainerConfig, HistoryEntry, ImageConfig } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import type { StoredImage } from '../../store/images/types.js';
import { BERTH_VERSION } from '../../util/version.js';
import type { BuildImages } from '../types.js';

function sameHistory(a: HistoryEntry, b: HistoryEntry): boolean {
  return (a.created ?? '') === (b.created ?? '') && (a.author ?? '') === (b.author ?? '') && (a.created_by ?? '') === (b.created_by ?? '')
    && (a.comment ?? '') === (b.comment ?? '') && !a.empty_layer === !b.empty_layer;
}

/** dockerd's isValidParent: `parent`'s history and layers are a prefix of `img`'s. */
function isValidParent(img: ImageConfig, parent: ImageConfig | undefined): boolean {
  const h = img.history ?? [];
  if (h.length === 0) return false;
  const ph = parent?.history ?? [];
  const pd = parent?.rootfs.diff_ids ?? [];
  if (!parent || (ph.length === 0 && pd.length === 0)) return true;
  if (ph.length >= h.length || pd.length > img.rootfs.diff_ids.length) return false;
  return ph.every((e, i) => sameHistory(e, h[i]!)) && pd.every((d, i) => d === img.rootfs.diff_ids[i]);
}

/** The diffID of the layer history entry `index` made, or undefined for an empty-layer entry. */
function layerForHistoryIndex(img: ImageConfig, index: number): Digest | undefined {
  const h = img.history ?? [];
  if (h[index]?.empty_layer) return undefined;
  let layer = 0;
  for (let i = 0; i < index; i++) if (!h[i]!.empty_layer) layer++;
  return img.rootfs.diff_ids[layer];
}

export class LegacyCacheSources {
  #sources: StoredImage[];

  private constructor(sources: StoredImage[]) {
    this.#sources = sources;
  }

  /** The sources among `names` that are images here; undefined when none was asked for. */
  static resolve(names: readonly string[] | undefined, images: Pick<BuildImages, 'find'>): LegacyCacheSources | undefined {
    if (!names?.length) return undefined;
    const found: StoredImage[] = [];
    for (const n of names) {
      const img = images.find(n);
      if (img) found.push(img);
    }
    return new LegacyCacheSources(found);
  }

  /** Whether a local cache hit may be used: it is a build ancestor of a source. */
  allowsLocalHit(id: Digest, images: Pick<BuildImages, 'get'>): boolean {
    return this.#sources.some((s) => {
      const seen = new Set<Digest>();
      for (let p = s.record.parent; p && !seen.has(p); p = images.get(p)?.record.parent) {
        if (p === id) return true;
        seen.add(p);
      }
      return false;
    });
  }

  /** The image a step with probe config `probe` on `parent` gets from the sources, if any. */
  async match(parent: StoredImage | undefined, probe: ContainerConfig, images: Pick<BuildImages, 'create'>): Promise<Digest | undefined> {
    const lenHistory = parent?.config.history?.length ?? 0;
    const createdBy = (probe.Cmd ?? []).join(' ');
    for (const target of this.#sources) {
      const t = target.config;
      if (!isValidParent(t, parent?.config) || (t.history![lenHistory]?.created_by ?? '') !== createdBy) continue;
      if (t.history!.length - 1 === lenHistory) return target.record.id;
      const entry = t.history![lenHistory]!;
      const diffIds = [...(parent?.config.rootfs.diff_ids ?? [])];
      const layer = layerForHistoryIndex(t, lenHistory);
      if (layer) diffIds.push(layer);
      const config: ImageConfig = {
        architecture: t.architecture,
        ...(t.variant ? { variant: t.variant } : {}),
        os: t.os,
        ...(t['os.version'] ? { 'os.version': t['os.version'] } : {}),
        ...(t['os.features'] ? { 'os.features': t['os.features'] } : {}),
        config: probe,
        ...(entry.created ? { created: entry.created } : {}),
        docker_version: BERTH_VERSION,
        ...(t.author ? { author: t.author } : {}),
        history: [...(parent?.config.history ?? []), entry],
        rootfs: { type: 'layers', diff_ids: diffIds },
      };
      const img = await images.create(config, parent?.record.id);
      // As dockerd: once a source matched, follow only it.
      this.#sources = [target];
      return img.record.id;
    }
    return undefined;
  }
}
