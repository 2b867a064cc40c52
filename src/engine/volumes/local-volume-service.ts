/**
 * @module engine/volumes/local-volume-service
 * The `local` volume driver: `<dataRoot>/volumes/<name>/_data` plus `volume.json` (created
 * time, labels, options, whether anonymous). Metadata is written tmp → fsync → rename;
 * a volume directory without metadata is removed at start-up.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { VolumeCreateRequest, VolumeListResponse, VolumePruneReport, VolumeWire } from '../../api/types/containers.js';
import { Conflict, InvalidArgument, NotFound } from '../../errdefs/index.js';
import { readJsonIfExists, writeJsonAtomic } from '../../util/atomic.js';
import { Mutex } from '../../util/mutex.js';
import { hasLabel } from '../../util/until-time.js';
import { validateVolumeName } from '../containers/mounts.js';
import type { VolumeService, VolumeUsers } from './types.js';
import { pruneEvent, type EventSink } from '../events/event-log.js';

interface VolumeMeta {
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Anonymous?: boolean;
}

function rfc3339Seconds(d = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

async function du(dir: string): Promise<number> {
  let total = 0;
  const seen = new Set<string>();
  const walk = async (d: string) => {
    let names: string[];
    try {
      names = await fs.readdir(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const st = await fs.lstat(p).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) await walk(p);
      else if (!seen.has(`${st.dev}:${st.ino}`)) {
        seen.add(`${st.dev}:${st.ino}`);
        total += st.size;
      }
    }
  };
  await walk(dir);
  return total;
}

export class LocalVolumeService implements VolumeService {
  readonly #root: string;
  readonly #meta = new Map<string, VolumeMeta>();
  readonly #mutex = new Mutex();
  readonly #users: VolumeUsers;
  readonly #events: EventSink | undefined;

  /**
   * @param users which containers use a volume (none: no volume is ever in use)
   * @param events where `create` and `destroy` events go
   */
  constructor(dataRoot: string, users: VolumeUsers = () => [], events?: EventSink) {
    this.#root = join(dataRoot, 'volumes');
    this.#users = users;
    this.#events = events;
  }

  mountpoint(name: string): string {
    return join(this.#root, name, '_data');
  }

  #wire(name: string, m: VolumeMeta): VolumeWire {
    return { CreatedAt: m.CreatedAt, Driver: 'local', Labels: m.Labels, Mountpoint: this.mountpoint(name), Name: name, Options: m.Options, Scope: 'local' };
  }

  async recover(): Promise<void> {
    await fs.mkdir(this.#root, { recursive: true, mode: 0o701 });
    for (const name of await fs.readdir(this.#root)) {
      const meta = await readJsonIfExists<VolumeMeta>(join(this.#root, name, 'volume.json')).catch(() => undefined);
      if (!meta) {
        await fs.rm(join(this.#root, name), { recursive: true, force: true });
        continue;
      }
      this.#meta.set(name, meta);
    }
  }

  async #create(name: string, req: VolumeCreateRequest, anonymous: boolean): Promise<{ volume: VolumeWire; created: boolean }> {
    const existing = this.#meta.get(name);
    if (existing) {
      // As dockerd: creating a volume that exists (`volume create` again, a container's `-v NAME:…`) says `create` too.
      this.#events?.({ type: 'volume', action: 'create', id: name, attributes: { driver: 'local' } });
      return { volume: this.#wire(name, existing), created: false };
    }
    if (req.Driver && req.Driver !== 'local') throw new NotFound(`plugin "${req.Driver}" not found`);
    // A volume is a directory named after it: a file name holds 255 bytes.
    if (Buffer.byteLength(name) > 255) throw new InvalidArgument(`create ${name.slice(0, 64)}…: volume name is longer than 255 bytes`);
    if (req.DriverOpts && Object.keys(req.DriverOpts).length) {
      throw new InvalidArgument('local volume options (type, device, o) are not supported by berth');
    }
    const meta: VolumeMeta = {
      CreatedAt: rfc3339Seconds(),
      // Empty maps are null, as dockerd 20.10 answers them.
      Labels: req.Labels && Object.keys(req.Labels).length ? req.Labels : null,
      Options: req.DriverOpts && Object.keys(req.DriverOpts).length ? req.DriverOpts : null,
      ...(anonymous ? { Anonymous: true } : {}),
    };
    await fs.mkdir(this.mountpoint(name), { recursive: true, mode: 0o755 });
    await writeJsonAtomic(join(this.#root, name, 'volume.json'), meta);
    this.#meta.set(name, meta);
    this.#events?.({ type: 'volume', action: 'create', id: name, attributes: { driver: 'local' } });
    return { volume: this.#wire(name, meta), created: true };
  }

  create(req: VolumeCreateRequest): Promise<VolumeWire> {
    return this.#mutex.run(async () => {
      const name = req.Name || randomBytes(32).toString('hex');
      // dockerd looks the driver up before it checks the name.
      if (req.Driver && req.Driver !== 'local') {
        throw new NotFound(`create ${name}: error looking up volume plugin ${req.Driver}: plugin "${req.Driver}" not found`);
      }
      validateVolumeName(name);
      return (await this.#create(name, req, !req.Name)).volume;
    });
  }

  ensure(name: string, opts: { anonymous?: boolean; labels?: Record<string, string> } = {}): Promise<{ volume: VolumeWire; created: boolean }> {
    return this.#mutex.run(() => this.#create(name, { Labels: opts.labels }, !!opts.anonymous));
  }

  async inspect(name: string): Promise<VolumeWire> {
    const m = this.#meta.get(name);
    if (!m) throw new NotFound(`get ${name}: no such volume`);
    return this.#wire(name, m);
  }

  #matches(name: string, m: VolumeMeta, filters: Map<string, string[]>): boolean {
    for (const [k, vals] of filters) {
      if (vals.length === 0) continue;
      if (k === 'name' && !vals.some((v) => name.includes(v))) return false;
      if (k === 'driver' && !vals.includes('local')) return false;
      if (k === 'dangling') {
        const want = vals.some((v) => v === 'true' || v === '1');
        if ((this.#users(name).length === 0) !== want) return false;
      }
      if (k === 'label' && !vals.every((l) => hasLabel(m.Labels, l))) return false;
      if (k === 'label!' && vals.some((l) => hasLabel(m.Labels, l))) return false;
    }
    return true;
  }

  async diskUsage(): Promise<VolumeWire[]> {
    const out: VolumeWire[] = [];
    for (const [name, m] of this.#meta) {
      out.push({ ...this.#wire(name, m), UsageData: { Size: await treeSize(this.mountpoint(name)), RefCount: this.#users(name).length } });
    }
    return out;
  }

  async list(filters: Map<string, string[]>): Promise<VolumeListResponse> {
    // Checked before any volume is looked at, so an empty list refuses them too (Docker's words).
    for (const [k, vals] of filters) {
      if (!['name', 'driver', 'dangling', 'label', 'all'].includes(k)) throw new InvalidArgument(`Invalid filter '${k}'`);
      if (k === 'dangling' && vals.some((v) => !['true', 'false', '1', '0'].includes(v))) throw new InvalidArgument(`Invalid filter 'dangling=[${vals.join(' ')}]'`);
    }
    const vols = [...this.#meta].filter(([n, m]) => this.#matches(n, m, filters)).map(([n, m]) => this.#wire(n, m));
    return { Volumes: vols, Warnings: null };
  }

  remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    return this.#mutex.run(async () => {
      if (!this.#meta.has(name)) {
        if (opts.force) return;
        throw new NotFound(`get ${name}: no such volume`);
      }
      const users = this.#users(name);
      if (users.length) throw new Conflict(`remove ${name}: volume is in use - [${users.join(', ')}]`);
      this.#meta.delete(name);
      // Rename away first so a crash never leaves a half-removed volume that still has metadata.
      const trash = join(this.#root, `.removing-${name}-${randomBytes(4).toString('hex')}`);
      await fs.rename(join(this.#root, name), trash);
      await fs.rm(trash, { recursive: true, force: true });
      this.#events?.({ type: 'volume', action: 'destroy', id: name, attributes: { driver: 'local' } });
    });
  }

  async prune(filters: Map<string, string[]>): Promise<VolumePruneReport> {
    for (const k of filters.keys()) if (k !== 'label' && k !== 'label!' && k !== 'all') throw new InvalidArgument(`Invalid filter '${k}'`);
    const all = filters.get('all')?.some((v) => v === 'true' || v === '1');
    const rest = new Map([...filters].filter(([k]) => k !== 'all'));
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const [name, m] of [...this.#meta]) {
      if (this.#users(name).length) continue;
      // API 1.41 (dockerd 20.10): every unused volume; with all=false on newer APIs, anonymous ones only.
      if (all === false && filters.has('all') && !m.Anonymous) continue;
      if (!this.#matches(name, m, rest)) continue;
      const size = await du(this.mountpoint(name));
      try {
        await this.remove(name);
        deleted.push(name);
        reclaimed += size;
      } catch {
        /* in use meanwhile */
      }
    }
    // dockerd 20.10 sends no `destroy` for a pruned volume (later dockerd does, as berth), only this.
    this.#events?.(pruneEvent('volume', reclaimed));
    return { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }
}

/** Bytes of the regular files under `dir` (each inode once), as Docker's `system df` counts a volume. */
async function treeSize(dir: string, seen = new Set<string>()): Promise<number> {
  let total = 0;
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await treeSize(p, seen);
    else if (e.isFile()) {
      const st = await fs.lstat(p).catch(() => undefined);
      if (!st || seen.has(`${st.dev}:${st.ino}`)) continue;
      seen.add(`${st.dev}:${st.ino}`);
      total += st.size;
    }
  }
  return total;
}
