/**
 * @module store/content/local-content-store
 * The content store on disk: `<dataRoot>/content/sha256/<hex>`, staged under
 * `<dataRoot>/tmp/content/`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataLoss, InvalidArgument, NotFound } from '../../errdefs/index.js';
import { digestOf, hexOf, isDigest, type Digest } from '../../image/digest.js';
import { fsyncDir, removeAll } from '../../util/fs-sync.js';
import type { BlobInfo, ContentStore } from './types.js';
import { unmountBelow } from '../../util/mounts.js';

function checkDigest(d: string): Digest {
  if (!isDigest(d)) throw new InvalidArgument(`invalid digest ${JSON.stringify(d)}`);
  return d;
}

export class LocalContentStore implements ContentStore {
  readonly #dir: string;
  readonly #tmp: string;

  constructor(dataRoot: string) {
    this.#dir = join(dataRoot, 'content', 'sha256');
    this.#tmp = join(dataRoot, 'tmp', 'content');
  }

  /** Path of a blob's file (whether or not it exists). */
  blobPath(digest: Digest): string {
    return join(this.#dir, hexOf(checkDigest(digest)));
  }

  async recover(): Promise<void> {
    unmountBelow(this.#tmp);
    await removeAll(this.#tmp);
    await fs.mkdir(this.#tmp, { recursive: true, mode: 0o700 });
    await fs.mkdir(this.#dir, { recursive: true, mode: 0o700 });
  }

  async info(digest: Digest): Promise<BlobInfo | undefined> {
    try {
      const st = await fs.stat(this.blobPath(digest));
      return { digest, size: st.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async readBlob(digest: Digest): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await fs.readFile(this.blobPath(digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFound(`content ${digest}: not found`, { cause: e });
      throw e;
    }
    if (digestOf(data) !== digest) throw new DataLoss(`content ${digest}: stored data does not match its digest`);
    return data;
  }

  async openBlob(digest: Digest): Promise<Readable> {
    if (!(await this.info(digest))) throw new NotFound(`content ${digest}: not found`);
    return createReadStream(this.blobPath(digest));
  }

  async writeBlob(data: Uint8Array, expected?: Digest): Promise<BlobInfo> {
    const digest = digestOf(data);
    if (expected && expected !== digest) throw new DataLoss(`content digest mismatch: expected ${expected}, got ${digest}`);
    if (await this.info(digest)) return { digest, size: data.length };
    const tmp = join(this.#tmp, randomBytes(8).toString('hex'));
    const h = await fs.open(tmp, 'wx', 0o644);
    try {
      await h.writeFile(data);
      await h.sync();
    } finally {
      await h.close();
    }
    await this.#commit(tmp, digest);
    return { digest, size: data.length };
  }

  async ingest(source: AsyncIterable<Uint8Array>, expected: { digest?: Digest; size?: number } = {}): Promise<BlobInfo> {
    const tmp = join(this.#tmp, randomBytes(8).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const h = await fs.open(tmp, 'wx', 0o644);
    try {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        if (expected.size !== undefined && size > expected.size) {
          throw new DataLoss(`content size mismatch: more than the expected ${expected.size} bytes`);
        }
        await h.write(chunk);
      }
      await h.sync();
    } catch (e) {
      await h.close();
      await removeAll(tmp);
      throw e;
    }
    await h.close();
    const digest: Digest = `sha256:${hash.digest('hex')}`;
    try {
      if (expected.size !== undefined && size !== expected.size) {
        throw new DataLoss(`content size mismatch: expected ${expected.size} bytes, got ${size}`);
      }
      if (expected.digest && expected.digest !== digest) {
        throw new DataLoss(`content digest mismatch: expected ${expected.digest}, got ${digest}`);
      }
    } catch (e) {
      await removeAll(tmp);
      throw e;
    }
    await this.#commit(tmp, digest);
    return { digest, size };
  }

  async #commit(tmp: string, digest: Digest): Promise<void> {
    await fs.rename(tmp, this.blobPath(digest));
    await fsyncDir(this.#dir);
  }

  async delete(digest: Digest): Promise<void> {
    await fs.rm(this.blobPath(digest), { force: true });
  }

  async list(): Promise<BlobInfo[]> {
    const out: BlobInfo[] = [];
    for (const name of await fs.readdir(this.#dir).catch(() => [] as string[])) {
      const d = `sha256:${name}`;
      if (!isDigest(d)) continue;
      const info = await this.info(d);
      if (info) out.push(info);
    }
    return out;
  }
}
