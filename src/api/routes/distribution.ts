/**
 * @module api/routes/distribution
 * Registry endpoints: pull (`POST /images/create?fromImage=`), `POST /images/{name}/push`,
 * `POST /auth` and `GET /distribution/{name}/json`. Credentials arrive in `X-Registry-Auth`
 * (URL-safe base64 JSON). Progress streams as JSON messages once the first one is ready; an
 * error before that is an ordinary error response (as dockerd, whose stream starts with the
 * first message), one after it ends the stream as `{"errorDetail":…,"error":…}`.
 */
import type { Writable } from 'node:stream';
import type { JsonMessage } from '../types/images.js';
import type { AuthConfig, DistributionService } from '../../engine/distribution/types.js';
import { messageOf } from '../../errdefs/index.js';
import { Ctx } from '../context.js';
import { authConfigSchema } from '../request-schemas.js';
import type { Route } from '../router.js';

/** Decodes `X-Registry-Auth`; anything unreadable counts as no credentials (dockerd ignores it too). */
export function registryAuth(header: string | undefined): AuthConfig | undefined {
  if (!header) return undefined;
  try {
    const json = Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const a = JSON.parse(json) as AuthConfig;
    return a && typeof a === 'object' && Object.keys(a).length > 0 ? a : undefined;
  } catch {
    return undefined;
  }
}

async function progressStream(ctx: Ctx, work: (sink: (m: JsonMessage) => void) => Promise<void>): Promise<void> {
  let out: Writable | undefined;
  const sink = (m: JsonMessage) => {
    out ??= ctx.startStream(200, 'application/json', {}, { withFirstWrite: true });
    // Messages of one turn of the event loop go out together (with the headers, for the first):
    // a pull of an image already here is one write, and one wake-up of the client.
    if (!out.writableCorked) {
      const o = out;
      o.cork();
      process.nextTick(() => o.uncork());
    }
    Ctx.writeJsonMessage(out, m);
  };
  try {
    await work(sink);
  } catch (e) {
    if (!out) throw e;
    const message = messageOf(e);
    Ctx.writeJsonMessage(out, { errorDetail: { message }, error: message });
  }
  out ??= ctx.startStream(200, 'application/json');
  out.end();
}

/** The pull handler for POST /images/create?fromImage= (the image routes call it). */
export function pullHandler(dist: DistributionService): (ctx: Ctx) => Promise<void> {
  return (ctx) =>
    progressStream(ctx, (sink) =>
      dist.pull(
        {
          image: ctx.query.string('fromImage') ?? '',
          tag: ctx.query.string('tag') || undefined,
          all: !ctx.query.string('tag'),
          platform: ctx.query.string('platform') || undefined,
          auth: registryAuth(ctx.header('x-registry-auth')),
          signal: ctx.signal,
        },
        sink,
      ),
    );
}

export function distributionRoutes(dist: DistributionService): Route[] {
  return [
    {
      method: 'POST',
      path: '/images/{name*}/push',
      handler: (ctx) =>
        progressStream(ctx, (sink) =>
          dist.push(
            { name: ctx.params.name!, tag: ctx.query.string('tag') || undefined, auth: registryAuth(ctx.header('x-registry-auth')), signal: ctx.signal },
            sink,
          ),
        ),
    },
    {
      method: 'POST',
      path: '/auth',
      handler: async (ctx) => ctx.send(200, await dist.login(await ctx.json<AuthConfig>(authConfigSchema))),
    },
    {
      method: 'GET',
      path: '/distribution/{name*}/json',
      handler: async (ctx) => ctx.send(200, await dist.inspect(ctx.params.name!, registryAuth(ctx.header('x-registry-auth')))),
    },
  ];
}
