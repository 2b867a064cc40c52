/**
 * @module engine/images/load
 * `load` (POST /images/load): reads a docker-archive or an OCI layout (plain or gzip) as it
 * streams in. Entries that are tars (gzip or ustar magic) are extracted into the layer
 * staging area while they arrive, hashing as they go; small files (manifests, configs) are
 * kept in memory. Once the whole archive is read, the manifest orders the layers: each
 * layer's diffID is checked against the image config, layers are published on their parents,
 * and images are created and tagged as dockerd does (`Loaded image: name:tag`).
 */
import { posix } from 'node:path';
import { DataLoss, InvalidArgument } from '../../errdefs/index.js';
import { cleanArchivePath, readArchive, type ArchiveContent } from '../../image/archive-read.js';
import { chainIdOf } from '../../image/chain.js';
import { decodeImageConfig, nowRfc3339Nano } from '../../image/config.js';
import { digestOf, type Digest } from '../../image/digest.js';
import { familiarString } from '../../image/reference.js';
import type { Lease, StagedLayer } from '../../store/layers/types.js';
import { BLOCK, checksumOk } from '../../util/tar/header.js';
import { TarIngest } from '../../util/tar/ingest.js';
import type { TarHandler, TarHeader } from '../../util/tar/types.js';
import { ByteChannel } from './channel.js';
import type { ImageContext } from './context.js';
import type { ProgressSink } from './types.js';

/** Largest non-layer entry kept in memory, and all of them together. */
const MAX_SMALL = 64 << 20;
const MAX_SMALL_TOTAL = 256 << 20;

function looksLikeLayer(head: Buffer): boolean {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
  if (head.length < BLOCK) return false;
  const block = head.subarray(0, BLOCK);
  return block.every((b) => b === 0) || checksumOk(block);
}

interface Entry {
  name: string;
  size: number;
  head: Buffer[];
  headLen: number;
  channel?: ByteChannel;
  small?: Buffer[];
}

/** Collects an archive's entries: layer tars staged, small files in memory, links noted. */
class ArchiveCollector implements TarHandler {
  readonly small = new Map<string, Buffer>();
  readonly links = new Map<string, string>();
  readonly staged = new Map<string, Promise<StagedLayer>>();
  readonly channels: ByteChannel[] = [];
  failure: unknown;
  #smallTotal = 0;
  #cur: Entry | undefined;
  readonly #ctx: ImageContext;

  constructor(ctx: ImageContext) {
    this.#ctx = ctx;
  }

  raw(): void {}

  entry(h: TarHeader): void {
    this.#cur = undefined;
    const name = cleanArchivePath(h.name);
    if (h.type === 'symlink') this.links.set(name, cleanArchivePath(posix.join(posix.dirname(name), h.linkname)));
    else if (h.type === 'link') this.links.set(name, cleanArchivePath(h.linkname));
    else if (h.type === 'file') {
      this.#cur = { name, size: h.size, head: [], headLen: 0 };
      if (h.size === 0) this.small.set(name, Buffer.alloc(0));
    }
  }

  data(chunk: Buffer): void {
    const e = this.#cur;
    if (!e) return;
    if (e.channel) e.channel.push(chunk);
    else if (e.small) e.small.push(chunk);
    else {
      e.head.push(chunk);
      e.headLen += chunk.length;
      if (e.headLen >= BLOCK) this.#decide(e);
    }
  }

  entryEnd(): void {
    const e = this.#cur;
    this.#cur = undefined;
    if (!e || e.size === 0) return;
    if (!e.channel && !e.small) this.#decide(e);
    if (e.channel) e.channel.end();
    else this.small.set(e.name, Buffer.concat(e.small!));
  }

  #decide(e: Entry): void {
    const head = Buffer.concat(e.head, e.headLen);
    e.head = [];
    if (looksLikeLayer(head)) {
      const ch = new ByteChannel();
      ch.push(head);
      e.channel = ch;
      this.channels.push(ch);
      const p = this.#ctx.layers.stageTar(ch);
      p.catch((err: unknown) => {
        this.failure ??= new InvalidArgument(`invalid layer ${e.name} in archive: ${(err as Error).message}`, { cause: err });
      });
      this.staged.set(e.name, p);
    } else {
      this.#smallTotal += e.size;
      if (e.size > MAX_SMALL || this.#smallTotal > MAX_SMALL_TOTAL) {
        throw new InvalidArgument(`archive entry ${e.name} is not a layer tar and too large (${e.size} bytes)`);
      }
      e.small = [head];
    }
  }

  resolve(name: string): string {
    let n = cleanArchivePath(name);
    for (let i = 0; i < 16 && this.links.has(n); i++) n = this.links.get(n)!;
    return n;
  }
}

async function createImage(
  ctx: ImageContext, c: ArchiveContent, col: ArchiveCollector, lease: Lease,
  committed: Map<StagedLayer, Digest>, progress: ProgressSink,
): Promise<Digest> {
  const config = decodeImageConfig(c.config);
  const expected = config.rootfs.diff_ids;
  if (expected.length !== c.layers.length) {
    throw new DataLoss(`invalid manifest, layers length mismatch: expected ${expected.length}, got ${c.layers.length}`);
  }
  let parent: Digest | null = null;
  for (const [i, name] of c.layers.entries()) {
    const st = await col.staged.get(col.resolve(name))!;
    if (st.diffId !== expected[i]) throw new DataLoss(`invalid diffID for layer ${i}: expected "${expected[i]}", got "${st.diffId}"`);
    const chain: Digest = chainIdOf(parent, st.diffId);
    if (ctx.layers.has(chain)) lease.add(chain);
    else if (!committed.has(st)) {
      committed.set(st, chain);
      await st.commit(parent, lease);
    } else {
      // The same layer tar again at another position: reproduce it from the first copy.
      await ctx.layers.applyTar(parent, ctx.layers.exportTar(committed.get(st)!), { lease, expectDiffId: st.diffId });
    }
    parent = chain;
  }
  await ctx.lock.run(async () => {
    const img = await ctx.images.create(c.config);
    const id = img.record.id;
    for (const ref of c.refs) {
      const old = ctx.refs.get(ref);
      if (old && old !== id) {
        progress({ stream: `The image ${familiarString(ref)} already exists, renaming the old one with ID ${old} to empty string\n` });
      }
      await ctx.refs.add(ref, id);
      await ctx.images.setLastTagTime(id, nowRfc3339Nano());
      progress({ stream: `Loaded image: ${familiarString(ref)}\n` });
    }
    if (c.refs.length === 0) progress({ stream: `Loaded image ID: ${id}\n` });
  });
  return digestOf(c.config);
}

/**
 * Restores the parent an archive names (dockerd's setParentID), when that image is here and
 * is one: its layers and history a prefix of the child's.
 */
async function restoreParent(ctx: ImageContext, id: Digest, parentId: Digest): Promise<void> {
  const img = ctx.images.get(id);
  const parent = ctx.images.get(parentId);
  if (!img || !parent || id === parentId) return;
  const [h, ph] = [img.config.history ?? [], parent.config.history ?? []];
  const [d, pd] = [img.config.rootfs.diff_ids, parent.config.rootfs.diff_ids];
  const valid = (h.length === 0 && ph.length === 0) || (
    ph.length < h.length && pd.length <= d.length &&
    ph.every((e, i) => JSON.stringify(e) === JSON.stringify(h[i])) && pd.every((x, i) => x === d[i])
  );
  if (valid) await ctx.images.setParent(id, parentId);
}

export async function loadImages(ctx: ImageContext, source: AsyncIterable<Buffer>, progress: ProgressSink): Promise<void> {
  const col = new ArchiveCollector(ctx);
  const outer = new TarIngest(col);
  const lease = ctx.layers.lease();
  const committed = new Map<StagedLayer, Digest>();
  let failure: unknown;
  try {
    for await (const chunk of source) {
      const wait = outer.write(chunk);
      if (wait) await wait;
      if (col.failure) throw col.failure;
      const busy = col.channels.find((ch) => ch.backlog > 8 << 20);
      if (busy) await busy.waitBelow(1 << 20);
    }
    await outer.end();
    const settled = await Promise.allSettled(col.staged.values());
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw col.failure ?? (failed as PromiseRejectedResult).reason;
    for (const [name, p] of col.staged) {
      const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
      if (m && (await p).blob.digest !== `sha256:${m[1]}`) throw new DataLoss(`blob ${name} does not match its digest`);
    }
    for (const [name, data] of col.small) {
      const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
      if (m && digestOf(data) !== `sha256:${m[1]}`) throw new DataLoss(`blob ${name} does not match its digest`);
    }
    const contents = readArchive({ get: (n) => col.small.get(col.resolve(n)), isLayer: (n) => col.staged.has(col.resolve(n)) });
    const created: [Digest, ArchiveContent][] = [];
    for (const c of contents) created.push([await createImage(ctx, c, col, lease, committed, progress), c]);
    for (const [id, c] of created) if (c.parent) await restoreParent(ctx, id, c.parent);
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    for (const ch of col.channels) {
      if (failure === undefined) ch.end();
      else ch.fail(failure);
    }
    const all = await Promise.allSettled(col.staged.values());
    for (const s of all) if (s.status === 'fulfilled' && !committed.has(s.value)) await s.value.discard();
    lease.release();
  }
}
