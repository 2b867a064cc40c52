/**
 * @module store/layers/layer-build
 * Building a layer's directory in the staging area, before it is published:
 * `<tmp>/diff/` (the files), `<tmp>/tar-split.gz` (how to reproduce the exact tar) and
 * `<tmp>/extra/` (contents of files a later tar entry replaced). Either from a tar stream
 * (extract while hashing) or from a filled directory (pack while hashing).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataLoss } from '../../errdefs/index.js';
import type { Digest } from '../../image/digest.js';
import type { Compression } from '../../util/tar/compression.js';
import { Extractor } from '../../util/tar/extract.js';
import { TarIngest } from '../../util/tar/ingest.js';
import { DirPacker } from '../../util/tar/pack.js';
import { TarSplitWriter } from '../../util/tar/tar-split.js';
import type { ExtractLimits } from '../../util/tar/types.js';

export const SPLIT_FILE = 'tar-split.gz';
export const EXTRA_DIR = 'extra';
export const DIFF_DIR = 'diff';

export interface BuiltLayer {
  diffId: Digest;
  tarSize: number;
  size: number;
  /** tar-split file index → file name under extra/ (replaced entries). */
  moved: Record<string, string>;
}

export interface ExtractedLayer extends BuiltLayer {
  blob: { digest: Digest; size: number };
  compression: Compression;
}

/** Makes `<tmp>/diff` and `<tmp>/extra`. */
export function prepareLayerDir(tmp: string, withDiff = true): void {
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  if (withDiff) mkdirSync(join(tmp, DIFF_DIR), { mode: 0o755 });
  mkdirSync(join(tmp, EXTRA_DIR), { mode: 0o700 });
}

/** What the bytes received must be: a blob from a registry, verified as it is extracted. */
export interface ExpectedBlob {
  digest: Digest;
  size: number;
}

/**
 * Extracts a (plain or gzip) tar stream into `<tmp>/diff`, recording its tar-split. With
 * `expect`, the bytes received must have that digest, else DataLoss — also when extraction
 * failed on bytes that turn out not to be the blob (a corrupt blob often fails gzip's own check
 * first, and what went wrong is the digest).
 */
export async function extractLayer(
  tmp: string,
  source: AsyncIterable<Buffer>,
  limits?: Partial<ExtractLimits>,
  expect?: ExpectedBlob,
): Promise<ExtractedLayer> {
  const split = new TarSplitWriter(join(tmp, SPLIT_FILE));
  const ex = new Extractor(join(tmp, DIFF_DIR), { whiteouts: 'overlay', split, extraDir: join(tmp, EXTRA_DIR), limits, asyncWrites: true });
  const ingest = new TarIngest(ex);
  const mismatch = () => new DataLoss(`filesystem layer verification failed for digest ${expect!.digest}`);
  try {
    for await (const chunk of source) {
      const wait = ingest.write(chunk);
      if (wait) await wait;
      const full = ex.pressure();
      if (full) await full;
    }
    const r = await ingest.end();
    if (expect && (r.blob.digest !== expect.digest || r.blob.size !== expect.size)) throw mismatch();
    const stats = await ex.finishAsync();
    split.finish();
    return {
      diffId: r.tar.digest,
      tarSize: r.tar.size,
      size: stats.size,
      moved: stats.moved,
      blob: r.blob,
      compression: r.compression,
    };
  } catch (e) {
    ingest.abort();
    ex.abort();
    split.abort();
    if (expect && !(e instanceof DataLoss) && ingest.received === expect.size && (await ingest.receivedDigest().catch(() => '')) !== expect.digest) throw mismatch();
    throw e;
  }
}

/**
 * Packs `<tmp>/diff` (overlay whiteouts → AUFS) to compute its diffID, recording its tar-split.
 * Yields to the event loop between chunks so the daemon keeps answering meanwhile.
 */
export async function packLayer(tmp: string): Promise<BuiltLayer> {
  const split = new TarSplitWriter(join(tmp, SPLIT_FILE));
  const packer = new DirPacker(join(tmp, DIFF_DIR), { whiteouts: 'overlay', split });
  const hash = createHash('sha256');
  try {
    let n = 0;
    for (let b = packer.next(); b !== null; b = packer.next()) {
      hash.update(b);
      if (++n % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    split.finish();
  } catch (e) {
    packer.destroy();
    split.abort();
    throw e;
  }
  return { diffId: `sha256:${hash.digest('hex')}`, tarSize: packer.bytes, size: packer.contentSize, moved: {} };
}
