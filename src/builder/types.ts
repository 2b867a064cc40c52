/**
 * @module builder/types
 * Contracts of the builder: what a build asks for ({@link BuildOptions}), where its files come
 * from ({@link BuildContext}) and the narrow roles it needs from the rest of berth — image
 * lookup and creation, layers, intermediate containers for RUN, the cache index. `daemon/`
 * chooses the implementations; `engine/build` adapts them to these roles.
 *
 * Lifecycle of a build: the context is prepared (a received tar extracted, or a local
 * directory on the daemon's host), the Dockerfile is read from it and planned (stages, steps),
 * the needed stages run (independent ones in parallel), each step probing the cache and, on a
 * miss, producing a layer (RUN, COPY/ADD, WORKDIR) or only a new config, and committing an
 * intermediate image whose parent is the previous step's image — as Docker's legacy builder
 * does. The target stage's last image is the result; it is tagged, and the context disposed.
 */
import type { ContainerConfig, ImageConfig } from '../image/config.js';
import type { Digest } from '../image/digest.js';
import type { StoredImage } from '../store/images/types.js';
import type { LayerInfo, Lease } from '../store/layers/types.js';
import type { CacheKey, CacheKeyParts } from './cache-key.js';
import type { CacheMountStore } from './mounts/cache-mount-store.js';
import type { StepInputs } from './cache/miss-reason.js';
import type { AuthConfig } from '../registry/types.js';

/** What the client asked for (POST /build's query, normalized). */
export interface BuildOptions {
  /** Path of the Dockerfile inside the context; default `Dockerfile`. */
  dockerfile: string;
  /** `-t` names, in order. */
  tags: string[];
  /** `--build-arg`: a null value means "named without a value and not in the client's env". */
  buildArgs: Record<string, string | null>;
  /** `--label`: added as LABEL steps at the end of the target stage. */
  labels: Record<string, string>;
  target?: string;
  noCache: boolean;
  /** Accepted; a no-op until berth has a registry client. */
  pull: boolean;
  /** Remove intermediate containers after a successful step (default true). */
  remove: boolean;
  /** Always remove intermediate containers, also after a failed step. */
  forceRemove: boolean;
  /** RUN's network: '' / 'default' / 'bridge' / 'none' / 'host'. */
  networkMode: string;
  /** `host:ip` entries for RUN's /etc/hosts. */
  extraHosts: string[];
  platform?: string;
  /**
   * Credentials for the registries FROM and `COPY --from` pull from (`X-Registry-Config`):
   * server address → Docker's AuthConfig.
   */
  registryAuths?: Record<string, RegistryCredentials>;
  /** `--secret`: id → content, for `RUN --mount=type=secret` (never stored anywhere). */
  secrets?: Record<string, Buffer>;
  /** `--ssh`: agent sockets on the daemon's host, by id (`default` when none given). */
  ssh?: Record<string, string[]>;
  /** `--allow`: entitlements the build asks for (`security.insecure`, `network.host`). */
  allow?: string[];
  /** Docker's `cachefrom`: local images the legacy builder may take steps from (cache/legacy-sources.ts). */
  cacheFrom?: string[];
}

/** Docker's AuthConfig, as the builder passes it through to pulls. */
export type RegistryCredentials = AuthConfig;

export function defaultBuildOptions(): BuildOptions {
  return {
    dockerfile: 'Dockerfile', tags: [], buildArgs: {}, labels: {}, noCache: false, pull: false,
    remove: true, forceRemove: false, networkMode: '', extraHosts: [],
  };
}

/** One entry of a build context, as `lstat` sees it (excluded paths are never seen). */
export interface ContextEntry {
  /** Path relative to the context root, `/`-separated, no leading `./`; '' is the root. */
  rel: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  size: number;
  /** Symlink target. */
  linkTarget?: string;
  /** Identity of the inode (hard links share it). */
  ino: number;
  nlink: number;
  mtimeMs: number;
  uid: number;
  gid: number;
}

/**
 * The files a build may COPY/ADD from its context: a directory (received and extracted, or the
 * client's own directory on this host) seen through the exclusions of `.dockerignore`.
 */
export interface BuildContext {
  /** Absolute path of the context directory. */
  readonly root: string;
  /** The entry at `rel` (symlinks not followed); undefined when missing or excluded. */
  lstat(rel: string): ContextEntry | undefined;
  /** Names in a directory that are not excluded, sorted bytewise. */
  readdir(rel: string): string[];
  /** sha256 of a regular file's content (cached by the file's stat when possible). */
  fileDigest(entry: ContextEntry): Promise<string>;
  /** The legacy builder's checksum of an entry (see context/tarsum.ts); `linkTo`: an earlier name of its inode. */
  tarsum(entry: ContextEntry, linkTo?: string): Promise<string>;
  /** Releases temporary files and saves hash caches. */
  dispose(): Promise<void>;
}

/** Image lookup and creation. */
export interface BuildImages {
  /**
   * The image a FROM or `COPY --from` names: Docker's lookup of a name, ID or ID prefix;
   * pulled when missing (or always, with `pull`) when a registry client is available, the
   * pull's progress lines given to `note`, with the credentials of `auths` for its registry.
   * NotFound with `No such image: …` otherwise.
   */
  resolveForBuild(name: string, pull: boolean, note?: (text: string) => void, auths?: Record<string, RegistryCredentials>): Promise<StoredImage>;
  get(id: Digest): StoredImage | undefined;
  /** An image here by name, ID or ID prefix (never pulled); undefined when there is none. */
  find(name: string): StoredImage | undefined;
  /** Stores an image config whose layers exist; `parent` is the build parent. */
  create(config: ImageConfig, parent: Digest | undefined): Promise<StoredImage>;
  /** Tags an image; returns the familiar name (`name:tag`). */
  tag(id: Digest, name: string): Promise<string>;
}

/** Layer access the builder needs. */
export interface BuildLayers {
  /** The layers root: cwd for overlay mounts with `l/<link>` lowerdirs. */
  readonly root: string;
  /** Lowerdirs (relative to root), top-most first, for a stack; [] for null. */
  lowerLinks(chainId: Digest | null): string[];
  /** Moves a directory (on the data root's file system) into the store as a layer on `parent`. */
  registerDir(parent: Digest | null, dir: string, lease: Lease): Promise<LayerInfo>;
  lease(): Lease;
  /** A directory on the data root's file system for temporary build files (removed at start-up). */
  readonly scratchDir: string;
}

/** What a RUN step's process gets. */
export interface RunSpec {
  /** The image the container is created from ('' for scratch). */
  imageId: string;
  /** Top layer of the image (null for no layers). */
  topChainId: Digest | null;
  /** argv to execute (shell already prepended for the shell form). */
  argv: string[];
  env: string[];
  workingDir: string;
  user: string;
  /** Mount points of VOLUMEs: writes below them are not kept (a volume is mounted there). */
  volumes: string[];
  /** '' / 'default' / 'bridge' / 'none' / 'host'. */
  networkMode: string;
  extraHosts: string[];
  /** Files to provide read-only at these paths (a `#!` heredoc script), outside the layer. */
  files: { path: string; data: string; mode: number }[];
  /** The container config Docker records for the step's container. */
  config: ContainerConfig;
  /** `RUN --mount`s, in mount order. */
  mounts?: StepMount[];
  /**
   * Directories stacked above the image's layers (and below the step's upper directory):
   * the mount points `mounts` need, so they never land in the step's layer.
   */
  extraLowers?: string[];
  /** `RUN --security=insecure`: a privileged container. */
  privileged?: boolean;
  /** Names of `env` entries that are secrets: scrubbed from what a kept container leaves on disk. */
  secretEnv?: string[];
}

/** A `RUN --mount` as the runtime performs it: a bind of a host path, or a tmpfs. */
export type StepMount =
  | { type: 'bind'; source: string; destination: string; readOnly: boolean }
  | { type: 'tmpfs'; destination: string; size?: number };

/** An intermediate container made for a RUN step. */
export interface StepContainer {
  /** Full 64-hex container ID. */
  readonly id: string;
  /** Runs the process to completion, streaming its output; resolves with its exit status. */
  run(out: { stdout(b: Buffer): void; stderr(b: Buffer): void }, signal: AbortSignal): Promise<number>;
  /**
   * After run: moves the container's overlay upper directory out (to become a layer) and returns
   * its path; whiteouts are overlay char devices. The container keeps an empty one.
   */
  takeUpperDir(): Promise<string>;
  /** Removes the container (and whatever it still holds). */
  remove(): Promise<void>;
  /** Keeps the container (`--rm=false`, or a failed step without `--force-rm`): listed by `ps -a` from now on. */
  keep(): Promise<void>;
}

/** An intermediate container the build keeps, handed to the container engine. */
export interface KeptContainer {
  id: string;
  /** The image it was created from ('' for scratch). */
  imageId: string;
  /** The container config Docker records for the step. */
  config: ContainerConfig;
  /** The process it ran, for a RUN step; absent for steps that ran none (they stay Created). */
  ran?: {
    argv: string[];
    /** Undefined when the process never started. */
    exitCode?: number;
    startedAt?: string;
    finishedAt?: string;
    /** Its directory (overlay upper and work directories in the container layout), moved over. */
    dir: string;
  };
}

/** Creates intermediate containers for RUN (visible as containers while they exist). */
export interface StepRunner {
  create(spec: RunSpec): Promise<StepContainer>;
  /** Keeps the container of a step that ran no process (config-only steps, WORKDIR). */
  keepUnstarted(c: KeptContainer): Promise<void>;
}

/** Where cache keys point. */
export interface BuildCacheIndex {
  /** The image a key was recorded for, if that image still exists. */
  lookup(key: CacheKey): Promise<Digest | undefined>;
  record(key: CacheKey, image: Digest): Promise<void>;
  /** Start-up: drops records of images that are gone; returns how many. */
  prune(): Promise<number>;
  /** The inputs the last build of a step slot had (solver/explain-cache.ts); undefined when none. */
  lastInputs?(slot: Digest): Promise<StepInputs | undefined>;
  /** Remembers a step slot's inputs for explaining the next build's misses. */
  rememberInputs?(slot: Digest, inputs: StepInputs): Promise<void>;
}

/** One record of the build cache: the image a step's cache key was recorded for. */
export interface BuildCacheEntry {
  key: Digest;
  image: Digest;
  parts: CacheKeyParts;
  /** RFC 3339. */
  created: string;
  /** RFC 3339; absent when no build has hit it since it was recorded. */
  lastUsed?: string | undefined;
  usage: number;
}

/** The build cache's records as `system df` and `builder prune` see them. */
export interface BuildCacheRecords {
  /** The records whose image still exists. */
  list(): Promise<BuildCacheEntry[]>;
  /** Forgets a key; false when it was already gone. */
  remove(key: Digest): Promise<boolean>;
}

/** Everything a build needs from berth. */
export interface BuildBackend {
  images: BuildImages;
  layers: BuildLayers;
  runner: StepRunner;
  cache: BuildCacheIndex;
  /** Where `RUN --mount=type=cache` directories persist; absent: cache mounts fail. */
  cacheMounts?: CacheMountStore;
  /** Entitlements the daemon allows builds to ask for (`security.insecure`). */
  insecureEntitlements?: readonly string[];
}
