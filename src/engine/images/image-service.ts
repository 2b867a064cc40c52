/**
 * @module engine/images/image-service
 * The image service: one object the API and the other engines call, delegating each use case
 * to its module. Start-up recovery runs each store's recovery, then sweeps the layers no
 * image references (store/gc: left by an import, load or build that was interrupted).
 */
import type { Readable } from 'node:stream';
import type { DeleteItem, DiskUsage, HistoryItem, ImageInspect, ImageSummary, PruneReport } from '../../api/types/images.js';
import type { Digest } from '../../image/digest.js';
import { sweepLayers } from '../../store/gc/layer-sweep.js';
import type { StoredImage } from '../../store/images/types.js';
import { logger } from '../../util/log.js';
import { pruneEvent, type EventSink } from '../events/event-log.js';
import { ImageContext, type ImageDeps } from './context.js';
import { diskUsage } from './disk-usage.js';
import { importImage, importRef } from './import.js';
import { familiarString } from '../../image/reference.js';
import { commitImage, type CommitImageRequest } from './commit.js';
import { imageHistory, inspectImage } from './inspect.js';
import { listImages } from './list.js';
import { loadImages } from './load.js';
import { pruneImages, removeImage, unannounced } from './remove.js';
import { saveImages, selectImages } from './save.js';
import { tagImage } from './tag.js';
import type { ImageFilters, ImageService, ImportRequest, ProgressSink } from './types.js';

const log = logger('images');

export class DefaultImageService implements ImageService {
  readonly #ctx: ImageContext;
  readonly #events: EventSink | undefined;

  constructor(deps: ImageDeps & { events?: EventSink }) {
    this.#ctx = new ImageContext(deps);
    this.#events = deps.events;
  }

  /** An image event as dockerd logs it: the image ID as Actor, `name` the reference (or the ID). */
  #event(action: string, id: string, name = id): void {
    this.#events?.({ type: 'image', action, id, attributes: { name } });
  }

  /** The stores and lock the image use cases share (pull and push work on them too). */
  get context(): ImageContext {
    return this.#ctx;
  }

  count(): number {
    return this.#ctx.images.list().length;
  }

  resolve(name: string): StoredImage {
    return this.#ctx.resolve(name);
  }

  async list(opts: { all?: boolean; filters?: ImageFilters }): Promise<ImageSummary[]> {
    return listImages(this.#ctx, opts);
  }

  async inspect(name: string): Promise<ImageInspect> {
    return inspectImage(this.#ctx, name);
  }

  async history(name: string): Promise<HistoryItem[]> {
    return imageHistory(this.#ctx, name);
  }

  async tag(name: string, repo: string, tag?: string): Promise<string> {
    const ref = await tagImage(this.#ctx, name, repo, tag);
    this.#event('tag', this.#ctx.resolve(ref).record.id, ref);
    return ref;
  }

  async remove(name: string, opts: { force?: boolean; noprune?: boolean } = {}): Promise<DeleteItem[]> {
    const id = this.#ctx.resolve(name).record.id;
    const items = await removeImage(this.#ctx, name, opts.force ?? false, !opts.noprune);
    this.#removed(id, items);
    return items;
  }

  /** dockerd's untag and delete events of a removal. */
  #removed(id: string, items: DeleteItem[]): void {
    for (const item of items) {
      if (unannounced.has(item)) continue;
      if ('Untagged' in item) this.#event('untag', id);
      else this.#event('delete', item.Deleted);
    }
  }

  async prune(filters: ImageFilters): Promise<PruneReport> {
    const report = await pruneImages(this.#ctx, filters, (id, items) => this.#removed(id, items));
    // As dockerd: the removals' events, then one `prune` with the space reclaimed.
    this.#events?.(pruneEvent('image', report.SpaceReclaimed));
    return report;
  }

  async importImage(req: ImportRequest, progress: ProgressSink): Promise<Digest> {
    const id = await importImage(this.#ctx, req, progress);
    this.#event('import', id);
    return id;
  }

  async commit(req: CommitImageRequest): Promise<Digest> {
    const id = await commitImage(this.#ctx, req);
    const ref = importRef(req.repo, req.tag);
    if (ref) this.#event('tag', id, familiarString(ref));
    return id;
  }

  async save(names: string[], opts: { format?: 'docker' | 'oci' } = {}): Promise<Readable> {
    const tar = await saveImages(this.#ctx, names, opts.format);
    // A repository name saves every tag of it: the images are the ones the archive holds.
    for (const id of selectImages(this.#ctx, names).keys()) this.#event('save', id);
    return tar;
  }

  async load(source: AsyncIterable<Buffer>, progress: ProgressSink): Promise<void> {
    // What was loaded is what the progress names (`Loaded image: NAME`, `Loaded image ID: ID`).
    const loaded: string[] = [];
    await loadImages(this.#ctx, source, (m) => {
      const text = typeof m.stream === 'string' ? m.stream : '';
      const got = /^Loaded image(?: ID)?: (\S+)/.exec(text);
      if (got) loaded.push(got[1]!);
      progress(m);
    });
    const ids = new Set<string>();
    for (const n of loaded) {
      try {
        ids.add(this.#ctx.resolve(n).record.id);
      } catch {
        /* removed meanwhile: no event for it */
      }
    }
    for (const id of ids) this.#event('load', id);
  }

  diskUsage(): Promise<Pick<DiskUsage, 'LayersSize' | 'Images'>> {
    return diskUsage(this.#ctx);
  }

  async recover(): Promise<void> {
    const c = this.#ctx;
    await c.content.recover();
    await c.layers.recover();
    await c.images.recover();
    await c.refs.recover((id) => c.images.get(id) !== undefined);
    const removed = await sweepLayers(c.images, c.layers);
    if (removed.length) log.info('start-up removed layers no image uses', { count: removed.length });
  }
}
