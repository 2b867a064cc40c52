/**
 * @module util/fs-sync
 * Durability helpers. A layer directory holds thousands of files; fsyncing each costs
 * milliseconds apiece, so a finished layer is flushed with one syncfs(2) of its file system
 * (coreutils `sync -f`) before it is renamed into place. Directory fsyncs make the rename
 * itself durable.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { SystemError } from '../errdefs/index.js';

/** Flushes everything written on the file system holding `path` (syncfs). */
export function syncFilesystem(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sync', ['-f', path], (err) => {
      if (err) reject(new SystemError(`syncfs ${path}: ${err.message}`, { cause: err }));
      else resolve();
    });
  });
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
