/**
 * @module engine/build/types
 * The build use case the Engine API serves: POST /build with a context (a tar stream, or a
 * directory on this host for the berth CLI), Docker's options, and a stream of messages in
 * return — Docker's legacy builder text as `stream` messages with `aux` image IDs, or berth's
 * structured events.
 *
 * Errors thrown before any message was sent become HTTP errors (a Dockerfile that does not
 * parse: 400; no Dockerfile: 500, as dockerd answers); once messages flowed, they are sent as
 * `errorDetail` (with the RUN's exit status as `code`, see {@link buildErrorCode}).
 */
import type { Readable } from 'node:stream';
import type { WasteReport } from '../images/waste.js';
import type { BuildCacheWire, BuildMessage, BuildPruneReport } from '../../api/types/build.js';
import type { BuildPruneOptions } from './cache-usage.js';
import type { BuildOptions, RegistryCredentials } from '../../builder/types.js';
import { parseCacheSpec, type CacheSpec } from '../../image/cache-spec.js';

/** `--cache-to`/`--cache-from` values, as the API receives them (image/cache-spec.ts). */
export { parseCacheSpec, type CacheSpec };

export type { BuildOptions, RegistryCredentials };
import { StepFailed } from '../../builder/errors.js';

export type BuildContextInput =
  | { kind: 'tar'; stream: AsyncIterable<Buffer> }
  /** A directory on the daemon's host; `dev`/`ino` must match its stat (the same machine). */
  | { kind: 'local'; path: string; dev: number; ino: number }
  /** `remote=`: an http(s) URL of a tar or a plain Dockerfile. */
  | { kind: 'remote'; url: string };

export interface BuildRequest {
  options: BuildOptions;
  context: BuildContextInput;
  /** `q=1`: only the image ID (the output is sent only if the build fails). */
  quiet: boolean;
  /** berth's `events=1`: structured events instead of text. */
  events: boolean;
  /** Send `aux` messages (API ≥ 1.30). */
  aux: boolean;
  /** berth's `explaincache=1`: send each cache miss's reason as a `berth.cache-miss` aux message. */
  explainCache?: boolean;
  /** berth's `timeline=1`: send the build's timeline at the end (`berth.timeline`). */
  timeline?: boolean;
  /** berth's `berthcachefrom`: caches to import records from (`--cache-from`). */
  cacheFrom?: CacheSpec[];
  /** berth's `berthcacheto`: where to export the build's cache records (`--cache-to`). */
  cacheTo?: CacheSpec[];
}

export interface BuildService {
  /** Runs a build, sending its messages to `send` as they come. */
  build(req: BuildRequest, send: (m: BuildMessage) => void, signal: AbortSignal): Promise<void>;
  /** Start-up: removes leftovers of interrupted builds. */
  recover(): Promise<void>;
  /** The build cache records (GET /system/df's BuildCache). */
  cacheUsage(): Promise<BuildCacheWire[]>;
  /** POST /build/prune. */
  pruneCache(opts: BuildPruneOptions): Promise<BuildPruneReport>;
  /** berth: the merged file system of an image as a tar (`build --output`); NotFound when missing. */
  exportRootfs(name: string): Readable;
  /** berth: the layer waste report of an image (`GET /images/{name}/waste`); NotFound when missing. */
  imageWaste(name: string): WasteReport;
}

/** The exit status a build error carries (a failed RUN's), if any. */
export function buildErrorCode(e: unknown): number | undefined {
  return e instanceof StepFailed ? e.code : undefined;
}
