/**
 * @module engine/images/types
 * The image use cases the Engine API serves (import, list, tag, remove, prune, inspect,
 * history, save, load, disk usage), and what other engines need from images.
 *
 * Image names follow Docker's lookup (`resolve`): a reference (`busybox` =
 * `docker.io/library/busybox:latest`), then a full ID (`sha256:…` or 64 hex), then a unique
 * ID prefix. Unknown names are NotFound with Docker's `No such image: busybox:latest`.
 */
import type { Readable } from 'node:stream';
import type {
  DeleteItem, DiskUsage, HistoryItem, ImageInspect, ImageSummary, JsonMessage, PruneReport,
} from '../../api/types/images.js';
import type { Digest } from '../../image/digest.js';
import type { StoredImage } from '../../store/images/types.js';
import type { CommitImageRequest } from './commit.js';

export type { CommitImageRequest };

/** A container using an image (the container engine answers). */
export interface ImageUse {
  containerId: string;
  running: boolean;
}

/**
 * The hook the container engine supplies: the first container using an image (a running one
 * if any), or undefined. Images in use are not removed (409), as in Docker.
 */
export type ImageInUseCheck = (imageId: Digest) => Promise<ImageUse | undefined>;
/** Optional: how many containers use an image (for `system df`). */
export type ContainerCounter = (imageId: Digest) => Promise<number>;

/** Filter name → values (the API's `filters` parameter). */
export type ImageFilters = Map<string, string[]>;

export type ProgressSink = (m: JsonMessage) => void;

export interface ImportRequest {
  /** The layer tar (plain or gzip), or a URL to fetch it from. */
  source: AsyncIterable<Buffer> | { url: string };
  /** `repo` as the API gets it; may include a tag (`name:tag`). */
  repo?: string;
  tag?: string;
  message?: string;
  /** Dockerfile instructions applied to the config (CMD, ENV, …). */
  changes?: string[];
  /** `os/arch[/variant]`; default this host. */
  platform?: string;
}

export interface ImageService {
  /** Number of images (for /info). */
  count(): number;
  /** Docker's image lookup by name, ID or ID prefix. */
  resolve(name: string): StoredImage;
  list(opts: { all?: boolean; filters?: ImageFilters }): Promise<ImageSummary[]>;
  inspect(name: string): Promise<ImageInspect>;
  history(name: string): Promise<HistoryItem[]>;
  /** Tags `name` as `repo` (which may carry the tag) and `tag`; returns the familiar new name. */
  tag(name: string, repo: string, tag?: string): Promise<string>;
  remove(name: string, opts?: { force?: boolean; noprune?: boolean }): Promise<DeleteItem[]>;
  prune(filters: ImageFilters): Promise<PruneReport>;
  importImage(req: ImportRequest, progress: ProgressSink): Promise<Digest>;
  /** The image half of a container commit (commit.ts); returns the new image's ID. */
  commit(req: CommitImageRequest): Promise<Digest>;
  /** Resolves every name first (errors before any byte), then streams the archive. */
  save(names: string[], opts?: { format?: 'docker' | 'oci' }): Promise<Readable>;
  load(source: AsyncIterable<Buffer>, progress: ProgressSink): Promise<void>;
  diskUsage(): Promise<Pick<DiskUsage, 'LayersSize' | 'Images'>>;
  /** Start-up: recovers the stores and removes layers no image references. */
  recover(): Promise<void>;
}
