/**
 * @module builder/solver/source-date
 * Reproducible builds (`SOURCE_DATE_EPOCH`, a build arg; the berth CLI passes its own
 * environment's value as one, as buildx does). With it, a build's result depends only on its
 * inputs, so two builds of one context on two data roots give the same image ID:
 * - every `created` the build writes (the image's and each new history entry's) is the epoch;
 * - files in new layers are clamped: any mtime later than the epoch becomes the epoch;
 * - the random step container IDs leave the image (`container`, `container_config.Hostname`);
 * - the epoch joins every cache key, so a hit never brings back an image made without it.
 *
 * The builder's roles are wrapped (images.create, layers.registerDir, the cache index): the
 * steps themselves do not change. Without the arg nothing is wrapped and the output is
 * Docker's, byte for byte.
 */
import { lstatSync, lutimesSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgument } from '../../errdefs/index.js';
import { formatRfc3339Nano, type ImageConfig } from '../../image/config.js';
import { cacheKey, type CacheKey } from '../cache-key.js';
import type { BuildBackend, BuildOptions } from '../types.js';

export const SOURCE_DATE_EPOCH = 'SOURCE_DATE_EPOCH';

export interface SourceDate {
  /** Seconds since the Unix epoch. */
  seconds: number;
  /** The same as Go's RFC 3339 (what `created` holds). */
  rfc3339: string;
}

/** The build's source date, from its build args; undefined when not given (or empty). */
export function sourceDateOf(options: Pick<BuildOptions, 'buildArgs'>): SourceDate | undefined {
  const raw = options.buildArgs[SOURCE_DATE_EPOCH];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (!/^\d{1,12}$/.test(raw)) throw new InvalidArgument(`invalid SOURCE_DATE_EPOCH "${raw}": want whole seconds since 1970-01-01`);
  const seconds = Number(raw);
  return { seconds, rfc3339: formatRfc3339Nano(BigInt(seconds) * 1_000_000_000n) };
}

/** Sets every mtime later than `seconds` below `dir` (the directory itself too) to `seconds`. */
export function clampMtimes(dir: string, seconds: number): void {
  const limitMs = seconds * 1000;
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    // After the children: setting their times does not touch the directory's.
    if (st.mtimeMs > limitMs) lutimesSync(p, seconds, seconds);
  };
  walk(dir);
}

/** The config with its build-made times set to the epoch and the step containers left out. */
export function pinConfig(config: ImageConfig, inherited: number, date: SourceDate): ImageConfig {
  const out: ImageConfig = { ...config, created: date.rfc3339 };
  delete out.container;
  if (out.container_config) out.container_config = { ...out.container_config, Hostname: '' };
  if (out.history) out.history = out.history.map((h, i) => (i < inherited ? h : { ...h, created: date.rfc3339 }));
  return out;
}

/** The backend a reproducible build uses (see the module comment). */
export function withSourceDate(backend: BuildBackend, date: SourceDate): BuildBackend {
  const pinKey = (k: CacheKey): CacheKey => cacheKey({ ...k.parts, extra: [...k.parts.extra, [SOURCE_DATE_EPOCH, String(date.seconds)]] });
  const { images, layers, cache } = backend;
  return {
    runner: backend.runner,
    images: {
      resolveForBuild: (name, pull, note, auths) => images.resolveForBuild(name, pull, note, auths),
      get: (id) => images.get(id),
      find: (name) => images.find(name),
      tag: (id, name) => images.tag(id, name),
      create: (config, parent) => {
        const inherited = parent ? images.get(parent)?.config.history?.length ?? 0 : 0;
        return images.create(pinConfig(config, inherited, date), parent);
      },
    },
    layers: {
      get root() {
        return layers.root;
      },
      get scratchDir() {
        return layers.scratchDir;
      },
      lowerLinks: (c) => layers.lowerLinks(c),
      lease: () => layers.lease(),
      registerDir: (parent, dir, lease) => {
        clampMtimes(dir, date.seconds);
        return layers.registerDir(parent, dir, lease);
      },
    },
    cache: {
      lookup: (k) => cache.lookup(pinKey(k)),
      record: (k, image) => cache.record(pinKey(k), image),
      prune: () => cache.prune(),
      ...(cache.lastInputs && cache.rememberInputs
        ? { lastInputs: cache.lastInputs.bind(cache), rememberInputs: cache.rememberInputs.bind(cache) }
        : {}),
    },
  };
}
