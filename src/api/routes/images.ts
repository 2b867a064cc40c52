/**
 * @module api/routes/images
 * The image endpoints: /images/json, /images/create (import; pull is the registry's),
 * /images/get, /images/load, /images/prune, /images/{name}/json|history|tag|get,
 * DELETE /images/{name}, and /system/df.
 */
import { pipeline } from 'node:stream/promises';
import type { JsonMessage } from '../../api/types/images.js';
import type { BuildService } from '../../engine/build/types.js';
import type { ContainerService } from '../../engine/containers/types.js';
import type { ImageService } from '../../engine/images/types.js';
import type { VolumeService } from '../../engine/volumes/types.js';
import { InvalidArgument, NotFound } from '../../errdefs/index.js';
import { Ctx } from '../context.js';
import type { Route } from '../router.js';

export interface ImageRouteOptions {
  /** The container and volume parts of /system/df. */
  df?: { containers: ContainerService; volumes: VolumeService; build?: BuildService };
  /** Handles POST /images/create?fromImage= (pull), when the registry client is wired. */
  pull?: (ctx: Ctx) => Promise<void>;
}

/** Runs a use case that reports progress, then answers with its messages as a JSON stream. */
/** util/tar's words for an archive that ends inside an entry; dockerd's untar says `unexpected EOF`. */
const TRUNCATED = 'unexpected EOF: the tar archive is truncated';

async function jsonStream(ctx: Ctx, work: (progress: (m: JsonMessage) => void) => Promise<void>, opts: { inputErrorsInStream?: boolean } = {}): Promise<void> {
  const messages: JsonMessage[] = [];
  try {
    await work((m) => messages.push(m));
  } catch (e) {
    // dockerd reads a load's archive after it has answered 200, so a bad archive is the stream's
    // last message (the CLI prints it without "Error response from daemon").
    if (!opts.inputErrorsInStream || !(e instanceof InvalidArgument)) throw e;
    const message = e.message === TRUNCATED ? 'Error processing tar file(exit status 1): unexpected EOF' : e.message;
    messages.push({ errorDetail: { message }, error: message });
  }
  const out = ctx.startStream(200, 'application/json');
  for (const m of messages) Ctx.writeJsonMessage(out, m);
  out.end();
}

async function sendTar(ctx: Ctx, images: ImageService, names: string[]): Promise<void> {
  const format = ctx.query.string('format');
  if (format !== undefined && format !== 'docker' && format !== 'oci') {
    throw new InvalidArgument(`invalid format "${format}": use "docker" or "oci"`);
  }
  const tar = await images.save(names, { format: format === 'oci' ? 'oci' : 'docker' });
  const out = ctx.startStream(200, 'application/x-tar');
  ctx.signal.addEventListener('abort', () => tar.destroy(), { once: true });
  await pipeline(tar, out);
}

export function imageRoutes(images: ImageService, opts: ImageRouteOptions = {}): Route[] {
  return [
    {
      method: 'GET',
      path: '/images/json',
      handler: async (ctx) => {
        const filters = ctx.query.filters();
        const legacy = ctx.query.string('filter');
        if (legacy) filters.set('reference', [...(filters.get('reference') ?? []), legacy]);
        ctx.send(200, await images.list({ all: ctx.query.bool('all'), filters }));
      },
    },
    {
      method: 'POST',
      path: '/images/create',
      handler: async (ctx) => {
        const src = ctx.query.string('fromSrc');
        if (src === undefined) {
          if (opts.pull && ctx.query.has('fromImage')) return opts.pull(ctx);
          throw new InvalidArgument('pulling images needs the registry client, which is not available in this daemon');
        }
        await jsonStream(ctx, async (progress) => {
          await images.importImage(
            {
              source: src === '-' ? ctx.bodyStream() : { url: src },
              repo: ctx.query.string('repo'),
              tag: ctx.query.string('tag'),
              message: ctx.query.string('message'),
              changes: ctx.query.all('changes'),
              platform: ctx.query.string('platform'),
            },
            progress,
          );
        });
      },
    },
    { method: 'GET', path: '/images/get', handler: (ctx) => sendTar(ctx, images, ctx.query.all('names')) },
    {
      method: 'POST',
      path: '/images/load',
      handler: (ctx) => jsonStream(ctx, (progress) => images.load(ctx.bodyStream(), progress), { inputErrorsInStream: true }),
    },
    { method: 'POST', path: '/images/prune', handler: async (ctx) => ctx.send(200, await images.prune(ctx.query.filters())) },
    {
      method: 'GET',
      path: '/images/{name*}/json',
      handler: async (ctx) => {
        const name = ctx.params.name!;
        // dockerd 20.10 words this one twice: `no such image: x: No such image: x:latest`.
        const img = await images.inspect(name).catch((e: unknown) => {
          throw e instanceof NotFound ? new NotFound(`no such image: ${name}: ${e.message}`, { cause: e }) : e;
        });
        ctx.send(200, img);
      },
    },
    { method: 'GET', path: '/images/{name*}/history', handler: async (ctx) => ctx.send(200, await images.history(ctx.params.name!)) },
    { method: 'GET', path: '/images/{name*}/get', handler: (ctx) => sendTar(ctx, images, [ctx.params.name!]) },
    {
      method: 'POST',
      path: '/images/{name*}/tag',
      handler: async (ctx) => {
        await images.tag(ctx.params.name!, ctx.query.string('repo') ?? '', ctx.query.string('tag'));
        ctx.send(201);
      },
    },
    {
      method: 'DELETE',
      path: '/images/{name*}',
      handler: async (ctx) =>
        ctx.send(200, await images.remove(ctx.params.name!, { force: ctx.query.bool('force'), noprune: ctx.query.bool('noprune') })),
    },
    {
      method: 'GET',
      path: '/system/df',
      handler: async (ctx) => {
        const du = await images.diskUsage();
        const containers = opts.df ? await opts.df.containers.list({ all: true, size: true, filters: new Map() }) : [];
        const volumes = opts.df ? await opts.df.volumes.diskUsage() : [];
        const cache = opts.df?.build ? await opts.df.build.cacheUsage() : [];
        const builderSize = cache.reduce((s, c) => s + (c.Shared ? 0 : c.Size), 0);
        ctx.send(200, { LayersSize: du.LayersSize, Images: du.Images, Containers: containers, Volumes: volumes, BuildCache: cache, BuilderSize: builderSize });
      },
    },
  ];
}
