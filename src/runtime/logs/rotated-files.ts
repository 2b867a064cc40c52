/**
 * @module runtime/logs/rotated-files
 * The files of one rotated log, as the shim leaves them (Docker's json-file layout): the
 * current file `PATH`, and older ones `PATH.1` (the newest rotated) … `PATH.N`, each either
 * plain or gzip'd (`PATH.K.gz`, with `compress=true`; `PATH.K` exists only while the shim
 * compresses it). A rotated file is opened as it is listed, so later renames by the shim do not
 * change what is read.
 */
import { createGunzip } from 'node:zlib';
import { readdir } from 'node:fs/promises';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** One opened rotated file. */
export interface RotatedFile {
  fh: FileHandle;
  gz: boolean;
  /** Its number (1 = newest rotated). */
  index: number;
}

/** Opens a file for reading; undefined when it does not exist. */
export async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Opens the rotated files of `path`, oldest first. A plain file with inode `skipIno` (the
 * current file, renamed after it was opened) is left out; a plain file compressed away since
 * the listing is opened as its `.gz`.
 */
export async function openRotated(path: string, skipIno?: number): Promise<RotatedFile[]> {
  const base = basename(path);
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const found = new Map<number, boolean>();
  for (const n of names) {
    if (!n.startsWith(`${base}.`)) continue;
    const m = /^(\d+)(\.gz)?$/.exec(n.slice(base.length + 1));
    if (!m) continue;
    const k = Number(m[1]);
    // Both forms while compressing: the plain one is complete, the .gz may not be renamed yet.
    if (!found.has(k) || !m[2]) found.set(k, !!m[2]);
  }
  const out: RotatedFile[] = [];
  try {
    for (const k of [...found.keys()].sort((a, b) => a - b)) {
      let gz = found.get(k)!;
      let fh = await openIfExists(`${path}.${k}${gz ? '.gz' : ''}`);
      if (!fh && !gz) {
        gz = true;
        fh = await openIfExists(`${path}.${k}.gz`);
      }
      if (!fh) continue;
      if (!gz && skipIno !== undefined && (await fh.stat()).ino === skipIno) {
        await fh.close();
        continue;
      }
      out.push({ fh, gz, index: k });
    }
  } catch (e) {
    await closeAll(out);
    throw e;
  }
  return out.reverse();
}

/**
 * The rotated files newer than the plain one with inode `ino` (oldest first), when that file is
 * still among them: what a follower that fell behind by more than one rotation has not read.
 * Undefined when it is not found (compressed or dropped since).
 */
export async function openRotatedAfter(path: string, ino: number, skipIno?: number): Promise<RotatedFile[] | undefined> {
  const all = await openRotated(path, skipIno);
  let at = -1;
  for (const [i, f] of all.entries()) {
    if (!f.gz && (await f.fh.stat()).ino === ino) at = i;
  }
  await closeAll(all.slice(0, at < 0 ? all.length : at + 1));
  return at < 0 ? undefined : all.slice(at + 1);
}

/**
 * The rotated files whose first record is newer than `afterNs` (oldest first): the same, found
 * by time when the file the follower read has been compressed away. Only the first record of
 * each file is read (newest file first, stopping at the first older one).
 */
export async function openRotatedNewerThan(path: string, afterNs: bigint, timeOf: (line: string) => bigint | undefined, skipIno?: number): Promise<RotatedFile[]> {
  const all = await openRotated(path, skipIno);
  let from = all.length;
  while (from > 0) {
    let first: bigint | undefined;
    for await (const line of fileLines(all[from - 1]!)) {
      first = timeOf(line);
      if (first !== undefined) break;
    }
    if (first === undefined || first <= afterNs) break;
    from--;
  }
  await closeAll(all.slice(0, from));
  return all.slice(from);
}

export async function closeAll(files: { fh: FileHandle }[]): Promise<void> {
  await Promise.all(files.map((f) => f.fh.close().catch(() => {})));
}

async function* rawChunks(fh: FileHandle, start: number): AsyncGenerator<Buffer> {
  let pos = start;
  for (;;) {
    const buf = Buffer.allocUnsafe(256 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

/** The bytes of a rotated file (decompressed when gzip'd), in chunks; the handle stays open. */
export async function* fileChunks(f: RotatedFile, start = 0): AsyncGenerator<Buffer> {
  if (!f.gz) {
    yield* rawChunks(f.fh, start);
    return;
  }
  const raw = Readable.from(rawChunks(f.fh, 0), { objectMode: false });
  const gunzip = createGunzip();
  raw.pipe(gunzip);
  try {
    for await (const c of gunzip) yield c as Buffer;
  } finally {
    raw.unpipe(gunzip);
    raw.destroy();
    gunzip.destroy();
  }
}

/** The lines of a rotated file (without their newlines), skipping the first `skip`. */
export async function* fileLines(f: RotatedFile, opts: { start?: number; skip?: number } = {}): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let skip = opts.skip ?? 0;
  for await (const c of fileChunks(f, opts.start ?? 0)) {
    pending += decoder.write(c);
    let from = 0;
    let nl: number;
    while ((nl = pending.indexOf('\n', from)) >= 0) {
      if (skip > 0) skip--;
      else yield pending.slice(from, nl);
      from = nl + 1;
    }
    pending = pending.slice(from);
  }
  pending += decoder.end();
  if (pending && skip === 0) yield pending;
}

/** How many lines a gzip'd file holds (a last line without a newline counts). */
export async function countLines(f: RotatedFile): Promise<number> {
  let n = 0;
  let last = 0x0a;
  for await (const c of fileChunks(f)) {
    for (let i = c.indexOf(0x0a); i >= 0; i = c.indexOf(0x0a, i + 1)) n++;
    if (c.length) last = c[c.length - 1]!;
  }
  return last === 0x0a ? n : n + 1;
}

/** Offset of the start of the last `n` lines of a plain file, and how many lines were found. */
export async function tailOffset(fh: FileHandle, size: number, n: number): Promise<{ offset: number; found: number }> {
  if (n === 0) return { offset: size, found: 0 };
  const chunk = 64 * 1024;
  let pos = size;
  let newlines = 0;
  // A final newline ends the last line rather than starting a new one.
  let skipLast = true;
  const buf = Buffer.allocUnsafe(chunk);
  while (pos > 0) {
    const len = Math.min(chunk, pos);
    pos -= len;
    const { bytesRead } = await fh.read(buf, 0, len, pos);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) continue;
      if (skipLast && pos + i === size - 1) continue;
      newlines++;
      if (newlines === n) return { offset: pos + i + 1, found: n };
    }
    skipLast = false;
  }
  return { offset: 0, found: size > 0 ? newlines + 1 : 0 };
}
