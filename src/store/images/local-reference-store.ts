/**
 * @module store/images/local-reference-store
 * References (`repository:tag`, `repository@digest`) → image IDs, kept in memory and in
 * `<dataRoot>/refs.json`, rewritten atomically on every change:
 * `{"refs": {"docker.io/library/busybox:latest": "sha256:…", …}}` in insertion order.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isDigest, type Digest } from '../../image/digest.js';
import { parseReference, referenceString, type Reference } from '../../image/reference.js';
import { readJsonIfExists, writeJsonAtomic } from '../../util/atomic.js';
import { logger } from '../../util/log.js';
import { Mutex } from '../../util/mutex.js';
import type { ReferenceStore } from './types.js';

const log = logger('refs');

interface RefsFile {
  refs: Record<string, string>;
}

export class LocalReferenceStore implements ReferenceStore {
  readonly #path: string;
  /** Full reference string → [reference, image]. */
  #refs = new Map<string, [Reference, Digest]>();
  readonly #mutex = new Mutex();

  constructor(dataRoot: string) {
    this.#path = join(dataRoot, 'refs.json');
  }

  get(ref: Reference): Digest | undefined {
    return this.#refs.get(referenceString(ref))?.[1];
  }

  referencesOf(id: Digest): Reference[] {
    // Sorted by the full reference string, as dockerd's reference store sorts them (so RepoTags
    // and RepoDigests list `127.0.0.1:5000/x:1` before `docker.io/library/busybox:latest`).
    const out: [string, Reference][] = [];
    for (const [k, [r, i]] of this.#refs) if (i === id) out.push([k, r]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, r]) => r);
  }

  all(): [Reference, Digest][] {
    return [...this.#refs.values()];
  }

  async #save(): Promise<void> {
    const refs: Record<string, string> = {};
    for (const [k, [, id]] of this.#refs) refs[k] = id;
    await writeJsonAtomic(this.#path, { refs } satisfies RefsFile);
  }

  add(ref: Reference, id: Digest): Promise<Digest | undefined> {
    return this.#mutex.run(async () => {
      const key = referenceString(ref);
      const prev = this.#refs.get(key)?.[1];
      if (prev === id) return undefined;
      // Re-pointing keeps the position; a new reference goes last.
      this.#refs.set(key, [ref, id]);
      await this.#save();
      return prev;
    });
  }

  delete(ref: Reference): Promise<boolean> {
    return this.#mutex.run(async () => {
      const key = referenceString(ref);
      if (!this.#refs.delete(key)) return false;
      await this.#save();
      return true;
    });
  }

  deleteAll(id: Digest): Promise<Reference[]> {
    return this.#mutex.run(async () => {
      const gone: Reference[] = [];
      for (const [k, [r, i]] of this.#refs) {
        if (i === id) {
          this.#refs.delete(k);
          gone.push(r);
        }
      }
      if (gone.length) await this.#save();
      return gone;
    });
  }

  async recover(exists: (id: Digest) => boolean): Promise<void> {
    // Temporary files of an interrupted atomic write.
    const prefix = `.${basename(this.#path)}.`;
    for (const name of await fs.readdir(dirname(this.#path)).catch(() => [] as string[])) {
      if (name.startsWith(prefix) && name.endsWith('.tmp')) await fs.rm(join(dirname(this.#path), name), { force: true });
    }
    const file = await readJsonIfExists<RefsFile>(this.#path);
    this.#refs = new Map();
    let dropped = false;
    for (const [k, id] of Object.entries(file?.refs ?? {})) {
      let ref: Reference;
      try {
        ref = parseReference(k);
      } catch {
        dropped = true;
        continue;
      }
      if (!isDigest(id) || !exists(id)) {
        log.warn('dropping a reference to a missing image', { ref: k, id });
        dropped = true;
        continue;
      }
      this.#refs.set(k, [ref, id]);
    }
    if (dropped) await this.#save();
  }
}
