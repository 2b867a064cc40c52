/**
 * @module util/fs-sync
 * Durability helpers. A layer directory holds thousands of files; fsyncing each costs
 * milliseconds apiece, so a finished layer is flushed with one syncfs(2) of its file system
 * before it is renamed into place; large files written on the way have their writeback
 * started as they are finished ({@link startWriteback}), so that syncfs has little left to
 * wait for. Directory fsyncs make the rename itself durable. Both calls run on libuv's
 * thread pool (native addon).
 */
import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { SystemError } from '../errdefs/index.js';
import { native } from './native.js';

/** Flushes everything written on the file system holding `path` (syncfs). */
export async function syncFilesystem(path: string): Promise<void> {
  let h: FileHandle | undefined;
  try {
    h = await fs.open(path, constants.O_RDONLY | constants.O_DIRECTORY);
    await native().flushFd(h.fd, true);
  } catch (e) {
    throw new SystemError(`syncfs ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    await h?.close();
  }
}

/**
 * Starts writing `fd`'s dirty pages to disk and returns without waiting for them to land
 * (sync_file_range WRITE): no durability by itself, a head start for a later syncfs. Errors
 * are left to that syncfs to report.
 */
export function startWriteback(fd: number): Promise<void> {
  return native().flushFd(fd, false).catch(() => {});
}

/** fsync a directory so that entries created, renamed or removed in it are durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Removes a path and everything under it; no error when it does not exist. */
export async function removeAll(path: string): Promise<void> {
  await fs.rm(path, { recursive: true, force: true, maxRetries: 3 });
}
