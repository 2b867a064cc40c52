/**
 * @module engine/distribution/blob-map
 * What dockerd calls v2 metadata: for each layer (diffID), the compressed blobs known to hold
 * it on which registry and repository. A pull records the blob it extracted; a push records
 * the blob it uploaded. A push asks first: a blob already in the target repository is not
 * sent again ("Layer already exists"), one in another repository of the same registry is
 * mounted ("Mounted from …"). Kept in `<dataRoot>/distribution/blob-map.json` (atomic writes).
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../../image/digest.js';
import { Mutex } from '../../util/mutex.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { logger } from '../../util/log.js';

const log = logger('distribution');
const MAX_PER_LAYER = 32;

export interface BlobLocation {
  digest: Digest;
  /** Registry host as references name it (`docker.io`, `127.0.0.1:5000`). */
  host: string;
  /** Repository path (`library/busybox`). */
  repo: string;
}

export class BlobMap {
  readonly #file: string;
  readonly #mutex = new Mutex();
  #map: Record<string, BlobLocation[]> | undefined;

  constructor(dataRoot: string) {
    this.#file = join(dataRoot, 'distribution', 'blob-map.json');
  }

  async #load(): Promise<Record<string, BlobLocation[]>> {
    if (this.#map) return this.#map;
    try {
      this.#map = JSON.parse(await fs.readFile(this.#file, 'utf8')) as Record<string, BlobLocation[]>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('ignoring an unreadable blob map', { file: this.#file, error: (e as Error).message });
      this.#map = {};
    }
    return this.#map;
  }

  /** Known blobs of a layer on a host, those in `repo` first. */
  async lookup(diffId: Digest, host: string, repo: string): Promise<BlobLocation[]> {
    const all = (await this.#load())[diffId] ?? [];
    const here = all.filter((l) => l.host === host);
    return [...here.filter((l) => l.repo === repo), ...here.filter((l) => l.repo !== repo)];
  }

  /** Records that `loc` holds `diffId` (most recent first). */
  add(diffId: Digest, loc: BlobLocation): Promise<void> {
    return this.addAll([[diffId, loc]]);
  }

  /** Records several at once (one write, none when nothing changes). */
  addAll(entries: [Digest, BlobLocation][]): Promise<void> {
    return this.#mutex.run(async () => {
      const map = await this.#load();
      let changed = false;
      for (const [diffId, loc] of entries) {
        const old = map[diffId] ?? [];
        const first = old[0];
        if (first && first.digest === loc.digest && first.host === loc.host && first.repo === loc.repo) continue;
        const list = old.filter((l) => !(l.digest === loc.digest && l.host === loc.host && l.repo === loc.repo));
        list.unshift(loc);
        map[diffId] = list.slice(0, MAX_PER_LAYER);
        changed = true;
      }
      if (!changed) return;
      await fs.mkdir(join(this.#file, '..'), { recursive: true });
      await writeFileAtomic(this.#file, JSON.stringify(map));
    });
  }

  /** Forgets a blob a registry no longer has. */
  remove(diffId: Digest, loc: BlobLocation): Promise<void> {
    return this.#mutex.run(async () => {
      const map = await this.#load();
      const list = map[diffId];
      if (!list) return;
      map[diffId] = list.filter((l) => !(l.digest === loc.digest && l.host === loc.host && l.repo === loc.repo));
      await writeFileAtomic(this.#file, JSON.stringify(map));
    });
  }
}
