/**
 * @module api/routes/build
 * POST /build (Docker's legacy builder protocol) and POST /build/prune. The reply is a JSON
 * message stream (`\r\n` after each message, Go's JSON escaping) started with the first
 * message; an error before any message is an HTTP error, after it an `errorDetail` message
 * (with `code` when a RUN failed: the docker CLI exits with it).
 */
import type { Writable } from 'node:stream';
import type { BuildMessage } from '../../api/types/build.js';
import type { BuildPruneOptions } from '../../engine/build/cache-usage.js';
import { buildErrorCode, parseCacheSpec, type BuildContextInput, type CacheSpec, type BuildOptions, type BuildService, type RegistryCredentials } from '../../engine/build/types.js';
import { InvalidArgument } from '../../errdefs/index.js';
import { goJson } from '../../util/go-json.js';
import { publicMessage } from '../errors.js';
import { s, type Schema } from '../schema.js';
import type { Ctx } from '../context.js';
import type { Route } from '../router.js';
import { compareVersions } from '../version.js';
import { buildSessionOf } from './build-session.js';

function jsonParam<T>(ctx: Ctx, name: string, what: string, schema: Schema): T | undefined {
  try {
    return ctx.query.json<T>(name, schema);
  } catch (e) {
    throw new InvalidArgument(`error reading ${what}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * `X-Registry-Config`: base64 (URL-safe, as the docker CLI sends it, or standard) JSON of
 * server address → AuthConfig. Anything unreadable counts as no credentials, as in dockerd.
 */
export function decodeRegistryConfig(header: string | undefined): Record<string, RegistryCredentials> {
  if (!header) return {};
  try {
    const v = JSON.parse(Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const out: Record<string, RegistryCredentials> = {};
    for (const [k, a] of Object.entries(v as Record<string, unknown>)) {
      if (a && typeof a === 'object' && !Array.isArray(a)) out[k] = a as RegistryCredentials;
    }
    return out;
  } catch {
    return {};
  }
}

/** Docker's query parameters → build options. */
export function buildOptionsOf(ctx: Ctx): BuildOptions {
  const q = ctx.query;
  const version = q.string('version');
  if (version !== undefined && version !== '1' && version !== '') {
    throw new InvalidArgument(version === '2' ? 'BuildKit builds are not supported by berth: use DOCKER_BUILDKIT=0' : `invalid version "${version}"`);
  }
  const forceRemove = q.bool('forcerm');
  const rmRaw = q.string('rm');
  const buildArgs = jsonParam<Record<string, string | null>>(ctx, 'buildargs', 'build args', s.map(s.ptr(s.string()))) ?? {};
  const labels = jsonParam<Record<string, string>>(ctx, 'labels', 'labels', s.map(s.string())) ?? {};
  const cacheFrom = jsonParam<string[]>(ctx, 'cachefrom', 'cache-from', s.array(s.string()));
  const platform = q.string('platform');
  const target = q.string('target');
  return {
    dockerfile: q.string('dockerfile') || 'Dockerfile',
    tags: q.all('t'),
    buildArgs,
    labels,
    ...(target ? { target } : {}),
    noCache: q.bool('nocache'),
    pull: q.bool('pull'),
    remove: forceRemove || rmRaw === undefined || rmRaw === '' ? true : q.bool('rm'),
    forceRemove,
    networkMode: q.string('networkmode') ?? '',
    extraHosts: q.all('extrahosts'),
    ...(platform ? { platform } : {}),
    ...(cacheFrom?.length ? { cacheFrom } : {}),
    registryAuths: decodeRegistryConfig(ctx.header('x-registry-config')),
    ...buildSessionOf(ctx),
  };
}

/** berth's `berthcachefrom` / `berthcacheto`: JSON lists of `--cache-from` / `--cache-to` values (local paths absolute). */
function cacheSpecsOf(ctx: Ctx): { cacheFrom?: CacheSpec[]; cacheTo?: CacheSpec[] } {
  const from = jsonParam<string[]>(ctx, 'berthcachefrom', 'cache-from', s.array(s.string())) ?? [];
  const to = jsonParam<string[]>(ctx, 'berthcacheto', 'cache-to', s.array(s.string())) ?? [];
  return {
    ...(from.length ? { cacheFrom: from.map((v) => parseCacheSpec(v, 'cache-from')) } : {}),
    ...(to.length ? { cacheTo: to.map((v) => parseCacheSpec(v, 'cache-to')) } : {}),
  };
}

function contextOf(ctx: Ctx): BuildContextInput {
  const q = ctx.query;
  const local = q.string('contextpath');
  if (local) return { kind: 'local', path: local, dev: q.int('contextdev') ?? -1, ino: q.int('contextino') ?? -1 };
  const remote = q.string('remote');
  if (remote) return { kind: 'remote', url: remote };
  return { kind: 'tar', stream: ctx.bodyStream() };
}

function write(out: Writable, m: BuildMessage): void {
  out.write(goJson(m) + '\r\n');
}

/** POST /build/prune's query: `all`, `keep-storage` (or API 1.48's `reserved-space`), `filters`. */
export function buildPruneOptionsOf(ctx: Ctx): BuildPruneOptions {
  const keep = ctx.query.string('keep-storage') ?? ctx.query.string('reserved-space');
  const keepStorage = keep === undefined || keep === '' ? 0 : Number(keep);
  if (!Number.isSafeInteger(keepStorage) || keepStorage < 0) throw new InvalidArgument(`invalid value for keep-storage: ${keep}`);
  return { all: ctx.query.bool('all'), keepStorage, filters: ctx.query.filters() };
}

export function buildRoutes(build: BuildService): Route[] {
  return [
    {
      method: 'POST',
      path: '/build',
      handler: async (ctx) => {
        const options = buildOptionsOf(ctx);
        const context = contextOf(ctx);
        if (context.kind !== 'tar') ctx.bodyStream().resume();
        let out: Writable | undefined;
        const send = (m: BuildMessage) => {
          out ??= ctx.startStream(200, 'application/json');
          write(out, m);
        };
        try {
          await build.build(
            {
              options,
              context,
              quiet: ctx.query.bool('q'),
              events: ctx.query.bool('events'),
              explainCache: ctx.query.bool('explaincache'),
              timeline: ctx.query.bool('timeline'),
              ...cacheSpecsOf(ctx),
              aux: compareVersions(ctx.apiVersion, '1.30') >= 0,
            },
            send,
            ctx.signal,
          );
        } catch (e) {
          if (!out) throw e;
          const code = buildErrorCode(e);
          const message = publicMessage(e);
          write(out, { errorDetail: { ...(code !== undefined ? { code } : {}), message }, error: message });
        }
        out?.end();
        if (!out) ctx.send(200);
      },
    },
    {
      method: 'POST',
      path: '/build/prune',
      handler: async (ctx) => ctx.send(200, await build.pruneCache(buildPruneOptionsOf(ctx))),
    },
  ];
}
