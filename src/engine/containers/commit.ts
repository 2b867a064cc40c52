/**
 * @module engine/containers/commit
 * The container half of `commit` (POST /commit) and `diff` (GET /containers/{id}/changes).
 *
 * Commit: the config and reference are checked first; a running container is paused (unless
 * `pause=false` or it is paused already) while its upper directory is packed as a layer tar
 * (overlay whiteouts and opaque directories become AUFS ones, pack.ts); the image engine
 * stores it on the container's image (engine/images/commit.ts); a `commit` event names the new
 * image, and the container is unpaused. The runtime's mount points live in the init layer
 * below the upper directory, so they never enter the layer; mount points created for volumes,
 * binds and tmpfs, and a missing working directory, do, as with dockerd.
 */
import { closeSync, openSync, readdirSync, constants as C } from 'node:fs';
import type { ContainerChangeWire, ContainerConfigWire } from '../../api/types/containers.js';
import { Conflict, Unavailable } from '../../errdefs/index.js';
import type { ContainerConfig } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import { O_CLOEXEC } from '../../util/native.js';
import { packDir } from '../../util/tar/pack.js';
import { checkCommitRef, commitConfig } from '../images/commit.js';
import type { ContainerContext } from './context.js';
import { pauseContainer, unpauseContainer } from './control.js';
import { containerEvent } from './events.js';
import { fsChanges } from './fs-changes.js';
import type { ContainerRecord } from './record.js';

export interface CommitOptions {
  repo?: string;
  tag?: string;
  author?: string;
  comment?: string;
  /** Pause a running container meanwhile (default true). */
  pause?: boolean;
  changes?: string[];
  /** The request body's config; undefined: the container's. */
  config?: ContainerConfigWire;
}

function upperOf(ctx: ContainerContext, rec: ContainerRecord): string {
  return ctx.deps.runtime.paths(ctx.store.dirOf(rec.ID), rec.ID).upper;
}

function hasFiles(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** The upper directory's layer tar, read from an open descriptor (the container may change it meanwhile). */
async function* upperTar(upper: string): AsyncGenerator<Buffer> {
  const fd = openSync(upper, C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW | O_CLOEXEC);
  let closed = false;
  const close = () => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  try {
    yield* packDir(upper, { whiteouts: 'overlay', dirfd: fd }, close) as AsyncIterable<Buffer>;
  } finally {
    close();
  }
}

export async function commitContainer(ctx: ContainerContext, ref: string, opts: CommitOptions): Promise<Digest> {
  const commit = ctx.deps.commitImage;
  if (!commit) throw new Unavailable('commit needs the image engine, which this daemon was started without');
  const rec = ctx.store.resolve(ref);
  checkCommitRef(opts.repo, opts.tag);
  const containerConfig = rec.Config as unknown as ContainerConfig;
  const config = opts.config as Partial<ContainerConfig> | undefined;
  commitConfig({ containerConfig, config, changes: opts.changes });
  if (rec.State.Restarting) throw new Conflict(`Container ${rec.ID} is restarting, wait until the container is running`);
  const pause = (opts.pause ?? true) && rec.State.Running && !rec.State.Paused;
  if (pause) await pauseContainer(ctx, rec.ID);
  let id: Digest;
  try {
    const upper = upperOf(ctx, rec);
    id = await commit({
      imageId: rec.ImageID as Digest,
      containerId: rec.ID,
      containerConfig,
      config,
      changes: opts.changes,
      author: opts.author,
      comment: opts.comment,
      repo: opts.repo,
      tag: opts.tag,
      layer: hasFiles(upper) ? upperTar(upper) : undefined,
    });
    // As dockerd: pause, (tag,) commit, then unpause.
    containerEvent(ctx, rec, 'commit', { comment: opts.comment ?? '', imageID: id, imageRef: '' });
  } finally {
    if (pause) await unpauseContainer(ctx, rec.ID).catch(() => {});
  }
  return id;
}

/** GET /containers/{id}/changes: the container's file system changes (fs-changes.ts). */
export async function containerChanges(ctx: ContainerContext, ref: string): Promise<ContainerChangeWire[]> {
  const rec = ctx.store.resolve(ref);
  const dir = ctx.store.dirOf(rec.ID);
  const files = ctx.deps.runtime.paths(dir, rec.ID);
  const image = ctx.deps.imageById(rec.ImageID as Digest);
  const layers = ctx.deps.layers;
  const lowers = [files.init, ...layers.lowerLinks(image?.chainIds.at(-1) ?? null).map((l) => `${layers.root}/${l}`)];
  if (!hasFiles(files.upper)) return [];
  return fsChanges(files.upper, lowers).map((c) => ({ Path: c.path, Kind: c.kind }));
}
