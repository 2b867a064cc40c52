/**
 * @module network/network-store
 * Network records and attachments on disk: `<root>/networks/<id>.json` and
 * `<root>/endpoints/<containerId>.json`, each written tmp → (fsync →) rename, kept in memory too.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { logger } from '../util/log.js';
import type { Attachment, NetworkRecord } from './types.js';

const log = logger('network');

export class NetworkStore {
  readonly networks = new Map<string, NetworkRecord>();
  readonly attachments = new Map<string, Attachment>();
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  async load(): Promise<void> {
    for (const [sub, into] of [['networks', this.networks], ['endpoints', this.attachments]] as const) {
      const dir = join(this.#root, sub);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      for (const f of await fs.readdir(dir)) {
        const p = join(dir, f);
        if (!f.endsWith('.json')) {
          // Temporary files of an interrupted write.
          await fs.rm(p, { force: true });
          continue;
        }
        try {
          const v = JSON.parse(await fs.readFile(p, 'utf8'));
          (into as Map<string, unknown>).set(f.slice(0, -5), v);
        } catch (e) {
          log.warn('ignoring unreadable network file', { path: p, error: String(e) });
        }
      }
    }
  }

  async saveNetwork(n: NetworkRecord): Promise<void> {
    await writeFileAtomic(join(this.#root, 'networks', `${n.Id}.json`), JSON.stringify(n), 0o600);
    this.networks.set(n.Id, n);
  }

  async deleteNetwork(id: string): Promise<void> {
    await fs.rm(join(this.#root, 'networks', `${id}.json`), { force: true });
    this.networks.delete(id);
  }

  /** Not fsynced: an attachment describes namespaces, links and processes that a reboot ends anyway. */
  async saveAttachment(a: Attachment): Promise<void> {
    await writeFileAtomic(join(this.#root, 'endpoints', `${a.containerId}.json`), JSON.stringify(a), 0o600, { durable: false });
    this.attachments.set(a.containerId, a);
  }

  async deleteAttachment(containerId: string): Promise<void> {
    await fs.rm(join(this.#root, 'endpoints', `${containerId}.json`), { force: true });
    this.attachments.delete(containerId);
  }
}
