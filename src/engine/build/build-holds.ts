/**
 * @module engine/build/build-holds
 * The images running builds use. Every image a build resolves (FROM, `COPY --from`), finds in
 * its cache or creates is held until the build ends, so `system df` reports the cache records of
 * those images `InUse` and `builder prune` leaves them (and their images) alone, as BuildKit
 * does for records a running solve references.
 */
import type { BuildImages } from '../../builder/types.js';
import type { Digest } from '../../image/digest.js';
import type { StoredImage } from '../../store/images/types.js';

/** One build's holds, given up together when the build ends. */
export interface BuildHoldSession {
  hold(id: Digest): void;
  release(): void;
}

export class BuildHolds {
  readonly #counts = new Map<Digest, number>();

  /** Whether a running build holds `id`. */
  has(id: Digest): boolean {
    return this.#counts.has(id);
  }

  session(): BuildHoldSession {
    const mine = new Set<Digest>();
    let released = false;
    return {
      hold: (id) => {
        if (released || mine.has(id)) return;
        mine.add(id);
        this.#counts.set(id, (this.#counts.get(id) ?? 0) + 1);
      },
      release: () => {
        if (released) return;
        released = true;
        for (const id of mine) {
          const n = this.#counts.get(id)! - 1;
          if (n === 0) this.#counts.delete(id);
          else this.#counts.set(id, n);
        }
      },
    };
  }
}

/** `images` for one build: every image it hands out or stores is held by `session`. */
export function holdingImages(images: BuildImages, session: BuildHoldSession): BuildImages {
  const held = (img: StoredImage | undefined) => {
    if (img) session.hold(img.record.id);
    return img;
  };
  return {
    resolveForBuild: async (name, pull, note, auths) => {
      const img = await images.resolveForBuild(name, pull, note, auths);
      session.hold(img.record.id);
      return img;
    },
    get: (id) => held(images.get(id)),
    find: (name) => held(images.find(name)),
    create: async (config, parent) => {
      const img = await images.create(config, parent);
      session.hold(img.record.id);
      return img;
    },
    tag: (id, name) => images.tag(id, name),
  };
}
