/**
 * @module api/routes/containers
 * The container endpoints except the streaming ones (containers-io.ts): create, list,
 * inspect, start, stop, restart, kill, pause, unpause, rename, resize, top, remove, prune,
 * update, changes (diff) and commit.
 */
import type { ContainerConfigWire, ContainerCreateRequest, ContainerUpdateRequest } from '../types/containers.js';
import type { ContainerService } from '../../engine/containers/types.js';
import { InvalidArgument } from '../../errdefs/index.js';
import type { Route } from '../router.js';
import { commitConfigSchema, containerCreateSchema, containerUpdateSchema } from '../request-schemas.js';
import { decodeBody } from '../schema.js';
import { compareVersions } from '../version.js';

function optionalInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgument(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return n;
}

export function containerRoutes(containers: ContainerService): Route[] {
  return [
    {
      method: 'GET',
      path: '/containers/json',
      handler: async (ctx) => {
        const limit = optionalInt(ctx.query.string('limit') ?? ctx.query.string('last'), 'limit');
        ctx.send(200, await containers.list({ all: ctx.query.bool('all'), limit, size: ctx.query.bool('size'), filters: ctx.query.filters() }));
      },
    },
    {
      method: 'POST',
      path: '/containers/create',
      handler: async (ctx) => {
        const body = await ctx.json<ContainerCreateRequest>(containerCreateSchema);
        // HostConfig.Annotations came with API 1.43: older clients' are dropped, as dockerd does
        // (berthd answers 1.41, so only unversioned requests keep them).
        if (body?.HostConfig && /^\/v\d/.test(ctx.req.url ?? '') && compareVersions(ctx.apiVersion, '1.43') < 0) delete body.HostConfig.Annotations;
        ctx.send(201, await containers.create(body, { name: ctx.query.string('name') || undefined, platform: ctx.query.string('platform') || undefined }));
      },
    },
    { method: 'POST', path: '/containers/prune', handler: async (ctx) => ctx.send(200, await containers.prune(ctx.query.filters())) },
    {
      method: 'GET',
      path: '/containers/{id}/json',
      handler: async (ctx) => ctx.send(200, await containers.inspect(ctx.params.id!, { size: ctx.query.bool('size') })),
    },
    {
      method: 'GET',
      path: '/containers/{id}/top',
      handler: async (ctx) => ctx.send(200, await containers.top(ctx.params.id!, ctx.query.string('ps_args') || undefined)),
    },
    {
      method: 'POST',
      path: '/containers/{id}/start',
      handler: async (ctx) => {
        await containers.start(ctx.params.id!);
        ctx.noContent();
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/stop',
      handler: async (ctx) => {
        await containers.stop(ctx.params.id!, { timeout: optionalInt(ctx.query.string('t'), 't'), signal: ctx.query.string('signal') || undefined });
        ctx.noContent();
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/restart',
      handler: async (ctx) => {
        await containers.restart(ctx.params.id!, { timeout: optionalInt(ctx.query.string('t'), 't'), signal: ctx.query.string('signal') || undefined });
        ctx.noContent();
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/kill',
      handler: async (ctx) => {
        await containers.kill(ctx.params.id!, ctx.query.string('signal') || undefined);
        ctx.noContent();
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/pause',
      handler: async (ctx) => {
        await containers.pause(ctx.params.id!);
        ctx.noContent();
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/unpause',
      handler: async (ctx) => {
        await containers.unpause(ctx.params.id!);
        ctx.noContent();
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/rename',
      handler: async (ctx) => {
        await containers.rename(ctx.params.id!, ctx.query.string('name') ?? '');
        ctx.noContent();
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/resize',
      handler: async (ctx) => {
        const h = optionalInt(ctx.query.string('h'), 'h') ?? 0;
        const w = optionalInt(ctx.query.string('w'), 'w') ?? 0;
        await containers.resize(ctx.params.id!, h, w);
        ctx.send(200);
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/update',
      handler: async (ctx) => {
        const body = await ctx.json<ContainerUpdateRequest>(containerUpdateSchema);
        ctx.send(200, await containers.update(ctx.params.id!, body));
      },
    },
    {
      method: 'GET',
      path: '/containers/{id}/changes',
      handler: async (ctx) => ctx.send(200, await containers.changes(ctx.params.id!)),
    },
    {
      method: 'POST',
      path: '/commit',
      handler: async (ctx) => {
        // An empty body (or `null`) commits the container's own config; a config is merged with it.
        const raw = (await ctx.body()).toString('utf8').trim();
        let config: ContainerConfigWire | undefined;
        if (raw !== '' && raw !== 'null') {
          try {
            config = decodeBody<ContainerConfigWire>(JSON.parse(raw), commitConfigSchema);
          } catch (e) {
            if (e instanceof SyntaxError) throw new InvalidArgument(`invalid JSON: ${e.message}`, { cause: e });
            throw e;
          }
        }
        // dockerd: pause unless `pause` is given non-empty and false.
        const pv = ctx.query.string('pause');
        const pause = pv === undefined || pv === '' ? true : ctx.query.bool('pause');
        const id = await containers.commit(ctx.query.string('container') ?? '', {
          repo: ctx.query.string('repo') || undefined,
          tag: ctx.query.string('tag') || undefined,
          author: ctx.query.string('author') || undefined,
          comment: ctx.query.string('comment') || undefined,
          changes: ctx.query.all('changes'),
          pause,
          config,
        });
        ctx.send(201, { Id: id });
      },
    },
    {
      method: 'DELETE',
      path: '/containers/{id}',
      handler: async (ctx) => {
        if (ctx.query.bool('link')) throw new InvalidArgument('legacy links are not supported by berth');
        await containers.remove(ctx.params.id!, { force: ctx.query.bool('force'), volumes: ctx.query.bool('v') });
        ctx.noContent();
      },
    },
  ];
}
