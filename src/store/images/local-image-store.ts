/**
 * @module store/images/local-image-store
 * Image records on disk (`<dataRoot>/images/<id-hex>.json`) with configs in the content
 * store, indexed in memory.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgument, NotFound } from '../../errdefs/index.js';
import { chainIds } from '../../image/chain.js';
import { decodeImageConfig, nowRfc3339Nano } from '../../image/config.js';
import { digestOf, hexOf, isDigest, type Digest } from '../../image/digest.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import { logger } from '../../util/log.js';
import type { ContentStore } from '../content/types.js';
import { Mutex } from '../../util/mutex.js';
import type { ImageRecord, ImageStore, LayerPresence, StoredImage } from './types.js';

const log = logger('images');

export class LocalImageStore implements ImageStore {
  readonly #dir: string;
  readonly #content: ContentStore;
  readonly #layers: LayerPresence;
  readonly #index = new Map<Digest, StoredImage>();
  readonly #mutex = new Mutex();

  constructor(dataRoot: string, content: ContentStore, layers: LayerPresence) {
    this.#dir = join(dataRoot, 'images');
    this.#content = content;
    this.#layers = layers;
  }

  #recordPath(id: Digest): string {
    return join(this.#dir, `${hexOf(id)}.json`);
  }

  get(id: Digest): StoredImage | undefined {
    return this.#index.get(id);
  }

  list(): StoredImage[] {
    return [...this.#index.values()];
  }

  search(prefix: string): Digest | undefined {
    let p = prefix.toLowerCase();
    if (p.startsWith('sha256:')) p = p.slice(7);
    if (!/^[a-f0-9]+$/.test(p)) return undefined;
    const full = `sha256:${p}` as Digest;
    if (p.length === 64) return this.#index.has(full) ? full : undefined;
    const matches = [...this.#index.keys()].filter((id) => id.startsWith(full));
    if (matches.length > 1) {
      throw new InvalidArgument(`ambiguous image ID prefix "${prefix}": it matches ${matches.length} images`);
    }
    return matches[0];
  }

  children(id: Digest): Digest[] {
    return this.list().filter((i) => i.record.parent === id).map((i) => i.record.id);
  }

  #load(bytes: Buffer, record: ImageRecord): StoredImage {
    const config = decodeImageConfig(bytes);
    const chains = chainIds(config.rootfs.diff_ids);
    for (const c of chains) {
      if (!this.#layers.has(c)) throw new NotFound(`layer ${c} of image ${record.id} does not exist`);
    }
    return { record, config, configBytes: bytes, chainIds: chains, topChainId: chains.length ? chains[chains.length - 1]! : null };
  }

  async create(configBytes: Buffer, opts: { parent?: Digest } = {}): Promise<StoredImage> {
    const id = digestOf(configBytes);
    return this.#mutex.run(async () => {
      const existing = this.#index.get(id);
      if (existing) return existing;
      const record: ImageRecord = { id, ...(opts.parent ? { parent: opts.parent } : {}), added: nowRfc3339Nano() };
      const img = this.#load(configBytes, record);
      await this.#content.writeBlob(configBytes, id);
      await writeJsonAtomic(this.#recordPath(id), record);
      this.#index.set(id, img);
      return img;
    });
  }

  async delete(id: Digest): Promise<void> {
    await this.#mutex.run(async () => {
      if (!this.#index.has(id)) throw new NotFound(`No such image: ${id}`);
      this.#index.delete(id);
      await fs.rm(this.#recordPath(id), { force: true });
      await this.#content.delete(id);
    });
  }

  async setLastTagTime(id: Digest, time: string): Promise<void> {
    await this.#mutex.run(async () => {
      const img = this.#index.get(id);
      if (!img) return;
      img.record = { ...img.record, lastTagTime: time };
      await writeJsonAtomic(this.#recordPath(id), img.record);
    });
  }

  async setParent(id: Digest, parent: Digest): Promise<void> {
    await this.#mutex.run(async () => {
      const img = this.#index.get(id);
      if (!img || !this.#index.has(parent) || img.record.parent === parent) return;
      img.record = { ...img.record, parent };
      await writeJsonAtomic(this.#recordPath(id), img.record);
    });
  }

  async recover(): Promise<void> {
    await fs.mkdir(this.#dir, { recursive: true, mode: 0o700 });
    this.#index.clear();
    for (const name of await fs.readdir(this.#dir)) {
      const path = join(this.#dir, name);
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        await fs.rm(path, { force: true });
        continue;
      }
      const id = `sha256:${name.replace(/\.json$/, '')}`;
      if (!name.endsWith('.json') || !isDigest(id)) continue;
      try {
        const record = JSON.parse(await fs.readFile(path, 'utf8')) as ImageRecord;
        if (record.id !== id) throw new InvalidArgument('record names another image');
        const bytes = await this.#content.readBlob(id);
        this.#index.set(id, this.#load(bytes, record));
      } catch (e) {
        log.warn('dropping an image that is not complete on disk', { id, error: (e as Error).message });
        await fs.rm(path, { force: true });
      }
    }
    // Parents that no longer exist are forgotten.
    for (const img of this.#index.values()) {
      if (img.record.parent && !this.#index.has(img.record.parent)) {
        const { parent: _p, ...rest } = img.record;
        img.record = rest;
      }
    }
  }
}
