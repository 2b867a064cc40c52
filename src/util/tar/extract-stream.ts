/**
 * @module util/tar/extract-stream
 * A tar stream (plain or compressed, as TarIngest detects) extracted by an Extractor, with
 * back-pressure; on any error both are aborted, so nothing half-written is kept.
 */
import type { Extractor } from './extract.js';
import { TarIngest } from './ingest.js';

export async function extractTarStream(source: AsyncIterable<Buffer | Uint8Array>, ex: Extractor): Promise<void> {
  const ingest = new TarIngest(ex);
  try {
    for await (const chunk of source) {
      const wait = ingest.write(chunk as Buffer);
      if (wait) await wait;
    }
    await ingest.end();
    ex.finish();
  } catch (e) {
    ingest.abort();
    ex.abort();
    throw e;
  }
}
