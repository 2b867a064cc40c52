/**
 * @module util/atomic
 * Crash-safe writes: data goes to a temporary file beside (or under a staging directory on the
 * same filesystem as) the target, is fsynced, then renamed into place, and the directory is
 * fsynced so the rename itself survives a crash.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fsyncDir } from './fs-sync.js';

/** A unique temporary name next to `target`. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Write `data` to `target` atomically: temp file, fsync, rename, fsync of the directory.
 * `durable: false` leaves out both fsyncs: still all or nothing for a crash of the process, but
 * not for one of the machine (for records of host state that does not outlive a reboot anyway).
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, mode = 0o644, opts: { durable?: boolean } = {}): Promise<void> {
  const durable = opts.durable ?? true;
  const tmp = tempPathFor(target);
  const h = await fs.open(tmp, 'wx', mode);
  try {
    await h.writeFile(data);
    if (durable) await h.sync();
  } catch (e) {
    await h.close().catch(() => {});
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await h.close();
  try {
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  if (durable) await fsyncDir(dirname(target));
}

/** Write a JSON value atomically (pretty-printing is left to the caller: this is compact). */
export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, JSON.stringify(value));
}

/** Read and parse a JSON file; undefined when it does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(path, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
