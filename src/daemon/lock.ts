/**
 * @module daemon/lock
 * One daemon per data root: an exclusive flock(2) on `<dataRoot>/berthd.lock`, held through an
 * open descriptor for the daemon's whole life. The kernel drops it when the process ends, however
 * it ends (kill -9 included), so a stale file, a reused PID or a zombie never blocks start-up.
 * The file also holds the owner's pid, for information and for the error a second daemon gets.
 * The file is never removed: removing it would let a daemon lock a new file while another still
 * holds the old one.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Conflict } from '../errdefs/index.js';
import { LOCK_EX, LOCK_NB, native } from '../util/native.js';

export class DataRootLock {
  readonly path: string;
  #fd: number | undefined;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  static async acquire(dataRoot: string): Promise<DataRootLock> {
    const path = join(dataRoot, 'berthd.lock');
    // Node opens descriptors close-on-exec: runc, shims and other children never inherit the lock.
    const fd = openSync(path, 'a+', 0o600);
    let locked: boolean;
    try {
      locked = native().flock(fd, LOCK_EX | LOCK_NB);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    if (!locked) {
      closeSync(fd);
      const owner = readFileSync(path, 'utf8').trim();
      throw new Conflict(`another berthd${/^\d+$/.test(owner) ? ` (pid ${owner})` : ''} is using the data root ${dataRoot}`);
    }
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid}\n`, 0);
    return new DataRootLock(path, fd);
  }

  /** Gives the lock up (closing the descriptor releases it); the file stays. */
  async release(): Promise<void> {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    try {
      ftruncateSync(fd, 0);
    } finally {
      closeSync(fd);
    }
  }
}
