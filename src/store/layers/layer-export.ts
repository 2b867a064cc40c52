/**
 * @module store/layers/layer-export
 * Reproduces a stored layer's tar byte for byte by replaying its tar-split record against its
 * directory, and checks on the way that the bytes still hash to the diffID.
 */
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DataLoss } from '../../errdefs/index.js';
import type { Digest } from '../../image/digest.js';
import { AsyncSha256 } from '../../util/async-sha256.js';
import { ReadBuffers, replayTarSplit } from '../../util/tar/tar-split.js';
import { DIFF_DIR, EXTRA_DIR, SPLIT_FILE } from './layer-build.js';
import type { ExportOptions } from './types.js';

export interface ExportSource {
  /** The layer's directory (`layers/<chain-hex>`). */
  dir: string;
  diffId: Digest;
  tarSize: number;
  moved: Record<string, string>;
}

async function* verified(src: ExportSource, opts: ExportOptions): AsyncGenerator<Buffer> {
  // Hashed on the thread pool while the event loop compresses and sends.
  const hash = new AsyncSha256();
  // The hash holds what it has not hashed yet; the consumer, what it says.
  const consumed = opts.consumed;
  const buffers = consumed ? new ReadBuffers(() => Math.min(hash.hashed, consumed())) : undefined;
  let size = 0;
  const diff = join(src.dir, DIFF_DIR);
  const extra = join(src.dir, EXTRA_DIR);
  for await (const b of replayTarSplit(join(src.dir, SPLIT_FILE), (idx, p) => {
    const moved = src.moved[String(idx)];
    return moved ? join(extra, moved) : join(diff, p);
  }, buffers)) {
    hash.update(b);
    size += b.length;
    if (size > src.tarSize) throw new DataLoss(`layer ${src.diffId}: reproduced tar is longer than recorded`);
    yield b;
    const behind = hash.backlog();
    if (behind) await behind;
  }
  const got = await hash.digest();
  if (got !== src.diffId || size !== src.tarSize) {
    throw new DataLoss(`layer ${src.diffId}: reproduced tar does not match (got ${got}, ${size} bytes); the layer directory was modified`);
  }
}

/**
 * The tar as a stream of Buffers, each as replay read it: object mode, so that a consumer's
 * `for await` gets them one by one rather than joined into one copy of all that is buffered.
 */
export function exportLayer(src: ExportSource, opts: ExportOptions = {}): Readable {
  return Readable.from(verified(src, opts), { objectMode: true, highWaterMark: 4 });
}

