/**
 * @module builder/steps/add-archive
 * ADD's automatic extraction of local tar archives (plain, gzip, bzip2, xz): a file is an
 * archive when, once decompressed, it starts with a valid tar header. Extraction keeps the
 * archive's owners and modes (setuid included) and never writes outside the destination.
 * bzip2 and xz are decompressed by the system's `bzip2` / `xz`.
 */
import { spawn } from 'node:child_process';
import { createReadStream, promises as fs } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InvalidArgument, SystemError } from '../../errdefs/index.js';
import { detectCompression, type Compression } from '../../util/tar/compression.js';
import { checksumOk } from '../../util/tar/header.js';
import { Extractor } from '../../util/tar/extract.js';
import { extractTarStream } from '../../util/tar/extract-stream.js';
import type { Readable } from 'node:stream';

async function head(path: string, n: number): Promise<Buffer> {
  const fh = await fs.open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function decompressed(path: string, c: Compression): { stream: Readable; done: Promise<void> } {
  if (c === 'none') return { stream: createReadStream(path), done: Promise.resolve() };
  if (c === 'gzip') return { stream: createReadStream(path).pipe(createGunzip()), done: Promise.resolve() };
  const tool = c === 'bzip2' ? 'bzip2' : c === 'xz' ? 'xz' : undefined;
  if (!tool) throw new InvalidArgument(`unsupported compression ${c}`);
  const child = spawn(tool, ['-dc', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (e) => reject(new SystemError(`cannot run ${tool}: ${e.message}`, { cause: e })));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new InvalidArgument(`${tool} failed: ${err.trim()}`))));
  });
  return { stream: child.stdout, done };
}

/** Whether ADD should extract this file. */
export async function isArchive(path: string): Promise<boolean> {
  const magic = await head(path, 6);
  const c = detectCompression(magic);
  if (c === 'zstd') return false;
  if (c === 'none') {
    const h = await head(path, 512);
    return h.length === 512 && h.some((b) => b !== 0) && checksumOk(h);
  }
  const { stream, done } = decompressed(path, c);
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      n += (chunk as Buffer).length;
      if (n >= 512) break;
    }
  } catch {
    return false;
  } finally {
    stream.destroy();
    done.catch(() => {});
  }
  const h = Buffer.concat(chunks).subarray(0, 512);
  return h.length === 512 && h.some((b) => b !== 0) && checksumOk(h);
}

/** Extracts an archive into `dest` (an existing directory). */
export async function extractArchive(path: string, dest: string): Promise<void> {
  const c = detectCompression(await head(path, 6));
  const { stream, done } = decompressed(path, c === 'gzip' ? 'none' : c);
  try {
    await extractTarStream(stream, new Extractor(dest, { whiteouts: 'literal' }));
    await done;
  } catch (e) {
    stream.destroy();
    throw e;
  }
}
