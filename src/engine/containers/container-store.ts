/**
 * @module engine/containers/container-store
 * Container records on disk, one directory per container, with an in-memory index by ID and
 * by name. Records are written tmp → fsync → rename. Lookup follows Docker: full ID, then
 * name, then unique ID prefix.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Conflict, InvalidArgument, NotFound } from '../../errdefs/index.js';
import { readJsonIfExists, writeFileAtomic } from '../../util/atomic.js';
import { logger } from '../../util/log.js';
import type { ImageUse } from '../images/types.js';
import type { ContainerRecord } from './record.js';
import { unmountBelow } from '../../util/mounts.js';

const log = logger('containers');
const RECORD = 'container.json';

export class ContainerStore {
  readonly root: string;
  readonly #byId = new Map<string, ContainerRecord>();
  readonly #byName = new Map<string, string>();
  /** Each container's record writes, in order (a later state never lands before an earlier one). */
  readonly #writes = new Map<string, Promise<void>>();

  constructor(root: string) {
    this.root = root;
  }

  /** The file holding a container's record. */
  recordFile(id: string): string {
    return join(this.dirOf(id), RECORD);
  }

  dirOf(id: string): string {
    return join(this.root, id);
  }

  /** Loads every record; directories without a readable record are left for `orphans()`. */
  async load(): Promise<string[]> {
    await fs.mkdir(this.root, { recursive: true, mode: 0o710 });
    const orphans: string[] = [];
    for (const id of await fs.readdir(this.root)) {
      if (!/^[0-9a-f]{64}$/.test(id)) continue;
      let rec: ContainerRecord | undefined;
      try {
        rec = await readJsonIfExists<ContainerRecord>(this.recordFile(id));
      } catch (e) {
        log.warn('unreadable container record', { id, error: String(e) });
      }
      if (!rec) {
        orphans.push(id);
        continue;
      }
      this.#byId.set(id, rec);
      this.#byName.set(rec.Name.slice(1), id);
    }
    return orphans;
  }

  all(): ContainerRecord[] {
    return [...this.#byId.values()];
  }

  get(id: string): ContainerRecord | undefined {
    return this.#byId.get(id);
  }

  /** Docker's lookup: full ID, name (with or without `/`), unique ID prefix. */
  find(ref: string): ContainerRecord | undefined {
    const exact = this.#byId.get(ref);
    if (exact) return exact;
    const byName = this.#byName.get(ref.startsWith('/') ? ref.slice(1) : ref);
    if (byName) return this.#byId.get(byName);
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    let found: ContainerRecord | undefined;
    for (const [id, r] of this.#byId) {
      if (!id.startsWith(ref)) continue;
      if (found) throw new InvalidArgument(`Multiple IDs found with provided prefix: ${ref}`);
      found = r;
    }
    return found;
  }

  /** Like find, NotFound with Docker's message when nothing matches. */
  resolve(ref: string): ContainerRecord {
    const r = this.find(ref);
    if (!r) throw new NotFound(`No such container: ${ref}`);
    return r;
  }

  /** A container using the image (a running one first), for the image engine's rmi check. */
  imageUse(imageId: string): ImageUse | undefined {
    const users = this.all().filter((r) => r.ImageID === imageId);
    const running = users.find((r) => r.State.Running);
    const u = running ?? users[0];
    return u ? { containerId: u.ID, running: !!running } : undefined;
  }

  /** How many containers use the image (`system df`). */
  countByImage(imageId: string): number {
    return this.all().filter((r) => r.ImageID === imageId).length;
  }

  /** IDs of containers that mount a volume (for the volume engine). */
  volumeUsers(name: string): string[] {
    return this.all().filter((r) => r.Mounts.some((m) => m.Type === 'volume' && m.Name === name)).map((r) => r.ID);
  }

  nameTaken(name: string): string | undefined {
    return this.#byName.get(name);
  }

  /** Reserves `name` for `id` (409 with Docker's message when taken). */
  reserveName(name: string, id: string): void {
    const other = this.#byName.get(name);
    if (other && other !== id) {
      throw new Conflict(
        `Conflict. The container name "/${name}" is already in use by container "${other}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    this.#byName.set(name, id);
  }

  releaseName(name: string, id: string): void {
    if (this.#byName.get(name) === id) this.#byName.delete(name);
  }

  /** Writes the record as it is now; writes of one container happen in call order. */
  save(rec: ContainerRecord): Promise<void> {
    this.#byId.set(rec.ID, rec);
    this.#byName.set(rec.Name.slice(1), rec.ID);
    const snapshot = JSON.stringify(rec);
    const dir = this.dirOf(rec.ID);
    const prev = this.#writes.get(rec.ID) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(async () => {
      await fs.mkdir(dir, { recursive: true, mode: 0o710 });
      await writeFileAtomic(this.recordFile(rec.ID), snapshot);
    });
    this.#writes.set(rec.ID, next);
    void next.finally(() => {
      if (this.#writes.get(rec.ID) === next) this.#writes.delete(rec.ID);
    }).catch(() => {});
    return next;
  }

  /** Resolves when every record write asked for so far has landed (or failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.#writes.values()].map((w) => w.catch(() => {})));
  }

  /** Forgets the record and removes the container directory (nothing may be mounted in it). */
  async delete(id: string): Promise<void> {
    const rec = this.#byId.get(id);
    if (rec) this.releaseName(rec.Name.slice(1), id);
    this.#byId.delete(id);
    await this.#writes.get(id)?.catch(() => {});
    await removeTree(this.dirOf(id));
  }
}

/** rm -rf that also copes with overlay work dirs left with mode 000. */
export async function removeTree(dir: string): Promise<void> {
  // Never walk into something still mounted below (a crash between mount and unmount).
  unmountBelow(dir);
  try {
    await fs.rm(dir, { recursive: true, force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'ENOTEMPTY') throw e;
    await fs.chmod(join(dir, 'work', 'work'), 0o700).catch(() => {});
    await fs.rm(dir, { recursive: true, force: true });
  }
}
