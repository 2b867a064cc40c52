/**
 * @module engine/build/remote-cache/local-cache
 * A build cache in a directory on the daemon's host, as an OCI image layout (BuildKit's
 * `type=local` cache): `oci-layout`, `blobs/sha256/<hex>` and `index.json`, whose one entry
 * (`org.opencontainers.image.ref.name: latest`) is the cache manifest. Blobs are written to a
 * temporary name and renamed, the manifest and `index.json` last. A layer blob is the same
 * deterministic gzip a push makes; the blob map remembers it, so a later export to the same
 * directory does not compress the layer again.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DataLoss } from '../../../errdefs/index.js';
import { digestOf, hexOf, type Digest } from '../../../image/digest.js';
import { Annotation, MediaType, parseIndex } from '../../../image/manifest.js';
import type { LayerExporter, LayerInfo } from '../../../store/layers/types.js';
import { tempPathFor, writeFileAtomic } from '../../../util/atomic.js';
import { parallelGzip } from '../../../util/parallel-gzip.js';
import type { BlobMap } from '../../distribution/blob-map.js';
import { PUSH_GZIP_LEVEL } from '../../distribution/push.js';
import type { CacheSink, CacheSource } from './types.js';

/** The blob map's "host" for blobs in OCI layout directories (the directory is the "repository"). */
const LAYOUT_HOST = 'oci-layout';
const TAG = 'latest';

export function localCache(dir: string, layers: LayerExporter, blobMap: BlobMap | undefined): CacheSource & CacheSink {
  const blobPath = (d: string) => join(dir, 'blobs', 'sha256', hexOf(d));
  const sizeOf = async (d: string) => (await fs.stat(blobPath(d)).catch(() => undefined))?.size;
  const ensureDirs = () => fs.mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const putBlob = async (bytes: Buffer): Promise<Digest> => {
    const digest = digestOf(bytes);
    if ((await sizeOf(digest)) !== bytes.length) {
      await ensureDirs();
      await writeFileAtomic(blobPath(digest), bytes);
    }
    return digest;
  };
  return {
    name: dir,
    manifest: async () => {
      let index: Buffer;
      try {
        index = await fs.readFile(join(dir, 'index.json'));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
        throw e;
      }
      const entries = parseIndex(index).manifests;
      const entry = entries.find((m) => m.annotations?.[Annotation.refName] === TAG) ?? entries[entries.length - 1];
      if (!entry) return undefined;
      const bytes = await fs.readFile(blobPath(entry.digest));
      if (digestOf(bytes) !== entry.digest) throw new DataLoss(`${blobPath(entry.digest)}: content does not match its digest`);
      return { bytes, mediaType: entry.mediaType };
    },
    readBlob: async (desc) => {
      const bytes = await fs.readFile(blobPath(desc.digest));
      if (digestOf(bytes) !== desc.digest) throw new DataLoss(`${blobPath(desc.digest)}: content does not match its digest`);
      return bytes;
    },
    openBlob: (desc) => verified(blobPath(desc.digest), desc.digest),
    putLayer: async (layer: LayerInfo) => {
      for (const k of (await blobMap?.lookup(layer.diffId, LAYOUT_HOST, dir)) ?? []) {
        const size = k.repo === dir ? await sizeOf(k.digest) : undefined;
        if (size !== undefined) return { digest: k.digest, size };
      }
      await ensureDirs();
      const tmp = tempPathFor(join(dir, 'blobs', 'sha256', 'layer'));
      const hash = createHash('sha256');
      let size = 0;
      try {
        // parallelGzip says how much of the tar it is done with, so the export reuses read buffers.
        let consumed = 0;
        const tar = layers.exportTar(layer.chainId, { consumed: () => consumed }) as AsyncIterable<Buffer>;
        const gz = parallelGzip(tar, { level: PUSH_GZIP_LEVEL, onConsumed: (b) => (consumed = b) });
        await pipeline(async function* () {
          for await (const c of gz) {
            hash.update(c);
            size += c.length;
            yield c;
          }
        }, createWriteStream(tmp, { flags: 'wx' }));
        const digest: Digest = `sha256:${hash.digest('hex')}`;
        await fs.rename(tmp, blobPath(digest));
        await blobMap?.add(layer.diffId, { digest, host: LAYOUT_HOST, repo: dir });
        return { digest, size };
      } finally {
        await fs.rm(tmp, { force: true });
      }
    },
    putBlob,
    putManifest: async (bytes, mediaType) => {
      const digest = await putBlob(bytes);
      await writeFileAtomic(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
      const index = {
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [{ mediaType, digest, size: bytes.length, annotations: { [Annotation.refName]: TAG } }],
      };
      await writeFileAtomic(join(dir, 'index.json'), JSON.stringify(index));
    },
  };
}

/** A file's bytes, checked against `digest` when they end. */
async function* verified(path: string, digest: Digest): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  for await (const c of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(c);
    yield c;
  }
  if (`sha256:${hash.digest('hex')}` !== digest) throw new DataLoss(`${path}: content does not match its digest`);
}
