/**
 * @module store/layers/local-layer-store
 * The layer store on disk (`<dataRoot>/layers`), with its index in memory. See types.ts for
 * the lifecycle; this file publishes, removes, recovers and answers queries.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Conflict, InvalidArgument, NotFound, SystemError } from '../../errdefs/index.js';
import { chainIdOf } from '../../image/chain.js';
import { nowRfc3339Nano } from '../../image/config.js';
import { hexOf, isDigest, type Digest } from '../../image/digest.js';
import { logger } from '../../util/log.js';
import { fsyncDir, removeAll, syncFilesystem } from '../../util/fs-sync.js';
import { Mutex } from '../../util/mutex.js';
import { LeaseTable } from './lease-table.js';
import { DIFF_DIR, extractLayer, packLayer, prepareLayerDir, type BuiltLayer } from './layer-build.js';
import { exportLayer } from './layer-export.js';
import { MAX_LAYER_DEPTH, type AppliedLayer, type ApplyOptions, type ExportOptions, type LayerInfo, type LayerStore, type Lease, type NewLayerDir, type StagedLayer } from './types.js';
import type { ExtractLimits } from '../../util/tar/types.js';
import { unmountBelow } from '../../util/mounts.js';

const log = logger('layers');
const LINK_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** What layer.json holds. */
interface LayerRecord extends LayerInfo {
  moved: Record<string, string>;
}

function newLinkId(): string {
  let s = '';
  for (let i = 0; i < 26; i++) s += LINK_CHARS[randomInt(LINK_CHARS.length)];
  return s;
}

export class LocalLayerStore implements LayerStore {
  readonly root: string;
  readonly #tmp: string;
  readonly #links: string;
  readonly #index = new Map<Digest, LayerRecord>();
  readonly #leases = new LeaseTable();
  readonly #mutex = new Mutex();
  /** Staged layers not yet committed or discarded: their directory, and a claim that marks them done. */
  readonly #staged = new WeakMap<StagedLayer, { tmp: string; built: BuiltLayer; claim(): void }>();

  constructor(dataRoot: string) {
    this.root = join(dataRoot, 'layers');
    this.#tmp = join(dataRoot, 'tmp', 'layers');
    this.#links = join(this.root, 'l');
  }

  // --- reading ---------------------------------------------------------------------------

  get(chainId: Digest): LayerInfo | undefined {
    const r = this.#index.get(chainId);
    if (!r) return undefined;
    const { moved: _moved, ...info } = r;
    return info;
  }

  has(chainId: Digest): boolean {
    return this.#index.has(chainId);
  }

  list(): LayerInfo[] {
    return [...this.#index.keys()].map((k) => this.get(k)!);
  }

  #must(chainId: Digest): LayerRecord {
    const r = this.#index.get(chainId);
    if (!r) throw new NotFound(`layer ${chainId} does not exist`);
    return r;
  }

  #dir(chainId: Digest): string {
    return join(this.root, hexOf(chainId));
  }

  diffPath(chainId: Digest): string {
    this.#must(chainId);
    return join(this.#dir(chainId), DIFF_DIR);
  }

  ancestry(chainId: Digest | null): LayerInfo[] {
    const out: LayerInfo[] = [];
    for (let c = chainId; c !== null; ) {
      const r = this.#must(c);
      out.unshift(this.get(c)!);
      c = r.parent;
    }
    return out;
  }

  lowerLinks(chainId: Digest | null): string[] {
    return this.ancestry(chainId).reverse().map((l) => `l/${l.linkId}`);
  }

  exportTar(chainId: Digest, opts?: ExportOptions): Readable {
    const r = this.#must(chainId);
    return exportLayer({ dir: this.#dir(chainId), diffId: r.diffId, tarSize: r.tarSize, moved: r.moved }, opts);
  }

  // --- leases ----------------------------------------------------------------------------

  lease(): Lease {
    return this.#leases.lease();
  }

  isHeld(chainId: Digest): boolean {
    return this.#leases.isHeld(chainId);
  }

  // --- writing ---------------------------------------------------------------------------

  /** A fresh staging directory path under tmp/layers. */
  async #stage(): Promise<string> {
    return join(this.#tmp, randomBytes(8).toString('hex'));
  }

  /** `pending`: layers being published with it (not in the index yet). */
  #checkParent(parent: Digest | null, pending: LayerRecord[] = []): void {
    if (parent === null) return;
    const find = (c: Digest) => this.#index.get(c) ?? pending.find((p) => p.chainId === c);
    if (!find(parent)) throw new NotFound(`parent layer ${parent} does not exist`);
    let depth = 0;
    for (let c: Digest | null = parent; c !== null; c = find(c)?.parent ?? null) depth++;
    if (depth >= MAX_LAYER_DEPTH) throw new InvalidArgument(`max depth exceeded: an image holds at most ${MAX_LAYER_DEPTH} layers`);
  }

  async applyTar(parent: Digest | null, source: AsyncIterable<Buffer>, opts: ApplyOptions = {}): Promise<AppliedLayer> {
    this.#checkParent(parent);
    const tmp = await this.#stage();
    try {
      prepareLayerDir(tmp);
      const built = await extractLayer(tmp, source, opts.limits);
      if (opts.expectDiffId && opts.expectDiffId !== built.diffId) {
        throw new InvalidArgument(`layer diffID mismatch: expected ${opts.expectDiffId}, got ${built.diffId}`);
      }
      const layer = await this.#publish(tmp, parent, built, opts.lease);
      return { layer, blob: built.blob, compression: built.compression };
    } catch (e) {
      await removeAll(tmp);
      throw e;
    }
  }

  async stageTar(source: AsyncIterable<Buffer>, opts: { limits?: Partial<ExtractLimits>; blob?: { digest: Digest; size: number } } = {}): Promise<StagedLayer> {
    const tmp = await this.#stage();
    let built;
    try {
      prepareLayerDir(tmp);
      built = await extractLayer(tmp, source, opts.limits, opts.blob);
    } catch (e) {
      await removeAll(tmp);
      throw e;
    }
    let done = false;
    const b = built;
    const claim = () => {
      if (done) throw new InvalidArgument('staged layer already committed or discarded');
      done = true;
    };
    const staged: StagedLayer = {
      diffId: b.diffId,
      blob: b.blob,
      compression: b.compression,
      commit: async (parent, lease) => {
        claim();
        try {
          this.#checkParent(parent);
          return await this.#publish(tmp, parent, b, lease);
        } catch (e) {
          await removeAll(tmp);
          throw e;
        }
      },
      discard: async () => {
        done = true;
        await removeAll(tmp);
      },
    };
    this.#staged.set(staged, { tmp, built: b, claim });
    return staged;
  }

  async commitStaged(items: { layer: StagedLayer; parent: Digest | null }[], lease?: Lease): Promise<LayerInfo[]> {
    const all = items.map(({ layer, parent }) => {
      const s = this.#staged.get(layer);
      if (!s) throw new InvalidArgument('not a layer staged by this store');
      return { ...s, parent, chainId: chainIdOf(parent, layer.diffId) };
    });
    for (const s of all) s.claim();
    try {
      // Records first, then one syncfs for every staged file, then the renames.
      const records = new Map<string, LayerRecord>();
      for (const s of all) {
        if (this.#index.has(s.chainId)) continue;
        const record: LayerRecord = {
          chainId: s.chainId, diffId: s.built.diffId, parent: s.parent, size: s.built.size, tarSize: s.built.tarSize,
          linkId: newLinkId(), created: nowRfc3339Nano(), moved: s.built.moved,
        };
        await fs.writeFile(join(s.tmp, 'layer.json'), JSON.stringify(record));
        records.set(s.tmp, record);
      }
      if (records.size > 0) await syncFilesystem(this.#tmp);
      return await this.#mutex.run(async () => {
        const out: LayerInfo[] = [];
        const placed: LayerRecord[] = [];
        try {
          for (const s of all) {
            const record = records.get(s.tmp);
            if (!record || this.#index.has(s.chainId) || placed.some((p) => p.chainId === s.chainId)) {
              this.#dropStaged(s.tmp);
              out.push(placed.find((p) => p.chainId === s.chainId) ?? this.#reuse(s.chainId, lease));
              continue;
            }
            this.#checkParent(s.parent, placed);
            await fs.rename(s.tmp, this.#dir(s.chainId));
            placed.push(record);
            out.push(record);
          }
        } catch (e) {
          for (const s of all) if (!placed.some((p) => p.chainId === s.chainId)) this.#dropStaged(s.tmp);
          throw e;
        } finally {
          // What was renamed is published, even when a later rename failed.
          if (placed.length > 0) {
            await fsyncDir(this.root);
            for (const r of placed) await fs.symlink(`../${hexOf(r.chainId)}/${DIFF_DIR}`, join(this.#links, r.linkId));
            await fsyncDir(this.#links);
            for (const r of placed) {
              this.#index.set(r.chainId, r);
              lease?.add(r.chainId);
            }
          }
        }
        return out.map((r) => this.get(r.chainId)!);
      });
    } catch (e) {
      for (const s of all) if (!this.#index.has(s.chainId)) this.#dropStaged(s.tmp);
      throw e;
    }
  }

  async registerDir(parent: Digest | null, dir: string, opts: { lease?: Lease } = {}): Promise<LayerInfo> {
    this.#checkParent(parent);
    const tmp = await this.#stage();
    prepareLayerDir(tmp, false);
    try {
      await fs.rename(dir, join(tmp, DIFF_DIR));
    } catch (e) {
      await removeAll(tmp);
      if ((e as NodeJS.ErrnoException).code === 'EXDEV') {
        throw new InvalidArgument(`cannot register ${dir} as a layer: it must be on the file system of ${this.root}`, { cause: e });
      }
      throw new SystemError(`cannot move ${dir} into the layer store: ${(e as Error).message}`, { cause: e });
    }
    try {
      return await this.#publish(tmp, parent, await packLayer(tmp), opts.lease);
    } catch (e) {
      await removeAll(tmp);
      throw e;
    }
  }

  async createDir(parent: Digest | null, opts: { lease?: Lease } = {}): Promise<NewLayerDir> {
    this.#checkParent(parent);
    const tmp = await this.#stage();
    prepareLayerDir(tmp);
    let done = false;
    return {
      path: join(tmp, DIFF_DIR),
      commit: async () => {
        if (done) throw new InvalidArgument('layer directory already committed or discarded');
        done = true;
        try {
          return await this.#publish(tmp, parent, await packLayer(tmp), opts.lease);
        } catch (e) {
          await removeAll(tmp);
          throw e;
        }
      },
      discard: async () => {
        done = true;
        await removeAll(tmp);
      },
    };
  }

  /** Syncs the staged layer, then (serialized) renames it into place and links it. */
  async #publish(tmp: string, parent: Digest | null, built: BuiltLayer, lease?: Lease): Promise<LayerInfo> {
    const chainId = chainIdOf(parent, built.diffId);
    if (this.#index.has(chainId)) {
      this.#dropStaged(tmp);
      return this.#mutex.run(() => this.#reuse(chainId, lease));
    }
    const record: LayerRecord = {
      chainId, diffId: built.diffId, parent, size: built.size, tarSize: built.tarSize, linkId: newLinkId(),
      created: nowRfc3339Nano(), moved: built.moved,
    };
    await fs.writeFile(join(tmp, 'layer.json'), JSON.stringify(record));
    await syncFilesystem(tmp);
    return this.#mutex.run(async () => {
      if (this.#index.has(chainId)) {
        this.#dropStaged(tmp);
        return this.#reuse(chainId, lease);
      }
      this.#checkParent(parent);
      await fs.rename(tmp, this.#dir(chainId));
      await fsyncDir(this.root);
      await fs.symlink(`../${hexOf(chainId)}/${DIFF_DIR}`, join(this.#links, record.linkId));
      await fsyncDir(this.#links);
      this.#index.set(chainId, record);
      lease?.add(chainId);
      return this.get(chainId)!;
    });
  }

  #reuse(chainId: Digest, lease?: Lease): LayerInfo {
    const info = this.get(chainId);
    if (!info) throw new NotFound(`layer ${chainId} was removed meanwhile`);
    lease?.add(chainId);
    return info;
  }

  async remove(chainId: Digest): Promise<void> {
    const trash = await this.#mutex.run(async () => {
      const r = this.#must(chainId);
      if (this.#leases.isHeld(chainId)) throw new Conflict(`layer ${chainId} is in use`);
      for (const other of this.#index.values()) {
        if (other.parent === chainId) throw new Conflict(`layer ${chainId} has child layer ${other.chainId}`);
      }
      this.#index.delete(chainId);
      const trash = join(this.#tmp, `removed-${randomBytes(6).toString('hex')}`);
      await fs.rename(this.#dir(chainId), trash);
      await fs.rm(join(this.#links, r.linkId), { force: true });
      await fsyncDir(this.root);
      return trash;
    });
    // The layer is gone once renamed; deleting its files does not hold up other layer changes.
    await removeAll(trash);
  }

  /** Deletes a staged copy that turned out to be a duplicate, in the background (start-up recovery catches leftovers). */
  #dropStaged(tmp: string): void {
    removeAll(tmp).catch((e: unknown) => log.warn('could not remove a staged layer', { dir: tmp, error: (e as Error).message }));
  }

  // --- recovery --------------------------------------------------------------------------

  async recover(): Promise<void> {
    unmountBelow(this.#tmp);
    await removeAll(this.#tmp);
    await fs.mkdir(this.#tmp, { recursive: true, mode: 0o700 });
    await fs.mkdir(this.#links, { recursive: true, mode: 0o700 });
    await fs.chmod(this.root, 0o711);
    this.#index.clear();
    for (const name of await fs.readdir(this.root)) {
      if (name === 'l') continue;
      const d = `sha256:${name}` as Digest;
      const dir = join(this.root, name);
      let rec: LayerRecord | undefined;
      try {
        rec = JSON.parse(await fs.readFile(join(dir, 'layer.json'), 'utf8')) as LayerRecord;
      } catch {
        rec = undefined;
      }
      if (!isDigest(d) || !rec || rec.chainId !== d) {
        log.warn('removing an invalid layer directory', { dir });
        await removeAll(dir);
        continue;
      }
      this.#index.set(d, rec);
    }
    // Drop layers whose parent is gone (cannot happen through the API; be robust to tampering).
    for (let changed = true; changed; ) {
      changed = false;
      for (const r of [...this.#index.values()]) {
        if (r.parent !== null && !this.#index.has(r.parent)) {
          log.warn('removing a layer whose parent is missing', { chainId: r.chainId });
          this.#index.delete(r.chainId);
          await removeAll(this.#dir(r.chainId));
          changed = true;
        }
      }
    }
    await this.#repairLinks();
  }

  async #repairLinks(): Promise<void> {
    const wanted = new Map([...this.#index.values()].map((r) => [r.linkId, `../${hexOf(r.chainId)}/${DIFF_DIR}`]));
    for (const name of await fs.readdir(this.#links)) {
      const target = await fs.readlink(join(this.#links, name)).catch(() => undefined);
      if (target === undefined || wanted.get(name) !== target) await fs.rm(join(this.#links, name), { force: true });
      else wanted.delete(name);
    }
    for (const [name, target] of wanted) await fs.symlink(target, join(this.#links, name));
    if (wanted.size) await fsyncDir(this.#links);
  }
}
