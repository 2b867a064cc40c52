/**
 * @module api/types/build
 * Wire shapes of POST /build, as dockerd 20.10 (API 1.41) speaks it for the legacy builder,
 * plus berth's optional structured progress (`events=1`).
 *
 * Query parameters read by berthd (Docker's names): `dockerfile`, `t` (repeated), `q`,
 * `nocache`, `pull`, `rm` (default true), `forcerm`, `target`, `platform`, `networkmode`,
 * `extrahosts` (repeated), `remote`, JSON `buildargs` ({name: value|null}), `labels`,
 * `cachefrom`. Header `X-Registry-Config`: base64 JSON of registry credentials.
 *
 * berth's own additions (ignored by Docker clients, never sent by them):
 * - `events=1`: send {@link BuildProgressEvent}s as `{"event": …}` instead of `stream` text.
 * - `explaincache=1`: with the classic text, send each cache miss's reason as
 *   `{"id": "berth.cache-miss", "aux": {"step", "code", "reason"}}` (see {@link CacheMissAux}).
 * - `timeline=1`: after the build, `{"id": "berth.timeline", "aux": {@link BuildTimeline}}`.
 * - `berthcachefrom`, `berthcacheto`: JSON lists of `--cache-from` / `--cache-to` values as
 *   buildx spells them (`type=registry,ref=…[,mode=max]`, `type=local,dest=/abs/dir`; see
 *   image/cache-spec.ts). Docker's own `cachefrom` (legacy cache source images) is separate.
 * - `contextpath`, `contextdev`, `contextino`: read the context from this directory on the
 *   daemon's host instead of a tar body (the berth CLI on the same machine). The daemon checks
 *   that the directory's device and inode match; when they do not, it answers
 *   412 Precondition Failed and the CLI sends a tar instead.
 */

/**
 * One event of berth's structured build progress: the builder's own events (builder/events.ts
 * defines steps and stages and their order), sent as they are.
 */
export type BuildProgressEvent =
  /** A step begins: `Step N/M : TEXT`. */
  | { kind: 'step'; step: number; total: number; stage: number; text: string }
  /** ONBUILD triggers of the base image are about to run: `# Executing N build trigger(s)`. */
  | { kind: 'triggers'; step: number; count: number }
  /** The step's result comes from the cache: ` ---> Using cache`. */
  | { kind: 'cached'; step: number }
  /**
   * berth: the step missed the cache, and why (`reason`, one line; `code` its kind: see
   * builder/cache/miss-reason.ts). Not part of Docker's classic text.
   */
  | { kind: 'cache-miss'; step: number; code: CacheMissCode; reason: string }
  /** An intermediate container was created for the step: ` ---> Running in <id>`. */
  | { kind: 'container'; step: number; id: string }
  /** Output of a RUN, as it comes. */
  | { kind: 'output'; step: number; stream: 'stdout' | 'stderr'; data: string }
  /** The intermediate container was removed: `Removing intermediate container <id>`. */
  | { kind: 'removed'; step: number; id: string }
  /** A line the builder prints during a step (download progress, overridden HEALTHCHECK, warnings). */
  | { kind: 'note'; step: number; text: string }
  /** The step is done; `id` is the image it produced ('' for `FROM scratch`): ` ---> <id>`. */
  | { kind: 'image'; step: number; id: string }
  /**
   * The step is done and folded into the image its run of config-only steps commits at its
   * end (builder/solver/fold.ts): no image of its own, nothing printed.
   */
  | { kind: 'folded'; step: number }
  /** A stage is complete (the API's `aux` message with the image ID). */
  | { kind: 'stage'; stage: number; id: string }
  /**
   * A build-wide warning, e.g. build args nobody consumed; `stderr`: Docker writes it to the
   * build's error stream (the classic text shows it in red).
   */
  | { kind: 'warning'; text: string; stderr?: boolean }
  /** The build produced this image: `Successfully built <id>`. */
  | { kind: 'built'; id: string }
  /** A tag was applied: `Successfully tagged <name>`. */
  | { kind: 'tagged'; name: string };

/** Kinds of cache miss reasons. */
export type CacheMissCode = 'no-cache' | 'parent' | 'new' | 'file' | 'source' | 'arg' | 'instruction' | 'input' | 'config' | 'removed';

/** The `aux` of a `berth.cache-miss` message (`explaincache=1`). */
export interface CacheMissAux {
  step: number;
  code: CacheMissCode;
  reason: string;
}

/** One step of a build's timeline (`timeline=1`): times in ms since the build began. */
export interface BuildTimelineStep {
  step: number;
  /** Stage index (-1 for meta ARGs). */
  stage: number;
  text: string;
  start: number;
  end: number;
  cached: boolean;
  reason?: string;
}

/** The `aux` of the `berth.timeline` message sent at the end of a build with `timeline=1`. */
export interface BuildTimeline {
  total: number;
  steps: BuildTimelineStep[];
}

/** One message of the /build JSON stream (each sent as JSON + `\r\n`). */
export interface BuildMessage {
  stream?: string;
  /** berth: `berth.cache-miss` names an aux message explaining a cache miss (`explaincache=1`). */
  id?: string;
  aux?: { ID: string } | CacheMissAux | BuildTimeline;
  /** The error text; also in errorDetail.message. */
  error?: string;
  /** `code` is the failing RUN's exit status (the docker CLI exits with it); absent otherwise. */
  errorDetail?: { code?: number; message: string };
  /** berth only, with `events=1`. */
  event?: BuildProgressEvent;
}

/** One entry of GET /system/df's `BuildCache` (API 1.41). */
export interface BuildCacheWire {
  ID: string;
  Parent: string;
  Type: string;
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string | null;
  UsageCount: number;
}

/** POST /build/prune */
export interface BuildPruneReport {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
}
