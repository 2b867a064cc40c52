/**
 * @module daemon/lock
 * One daemon per data root: a lock file holding the owner's pid, created exclusively. A lock
 * whose pid is no longer alive is stale and taken over.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Conflict } from '../errdefs/index.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DataRootLock {
  readonly path: string;
  private constructor(path: string) {
    this.path = path;
  }

  static async acquire(dataRoot: string): Promise<DataRootLock> {
    const path = join(dataRoot, 'berthd.lock');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const h = await fs.open(path, 'wx', 0o600);
        await h.writeFile(String(process.pid));
        await h.sync();
        await h.close();
        return new DataRootLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = Number((await fs.readFile(path, 'utf8').catch(() => '')).trim());
      if (owner && owner !== process.pid && alive(owner)) {
        throw new Conflict(`another berthd (pid ${owner}) is using the data root ${dataRoot}`);
      }
      await fs.rm(path, { force: true });
    }
    throw new Conflict(`could not lock the data root ${dataRoot}`);
  }

  async release(): Promise<void> {
    await fs.rm(this.path, { force: true });
  }
}
