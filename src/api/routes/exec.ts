/**
 * @module api/routes/exec
 * Exec endpoints: create (POST /containers/{id}/exec), start (hijacked unless Detach), resize
 * and inspect.
 */
import type { ExecCreateRequest } from '../types/containers.js';
import type { ExecService } from '../../engine/containers/types.js';
import type { Route } from '../router.js';
import { execCreateSchema, execStartSchema } from '../request-schemas.js';

export function execRoutes(execs: ExecService): Route[] {
  return [
    {
      method: 'POST',
      path: '/containers/{id}/exec',
      handler: async (ctx) => ctx.send(201, await execs.create(ctx.params.id!, await ctx.json<ExecCreateRequest>(execCreateSchema))),
    },
    {
      method: 'POST',
      path: '/exec/{id}/start',
      handler: async (ctx) => {
        const body = await ctx.json<{ Detach?: boolean; Tty?: boolean; ConsoleSize?: [number, number] | null }>(execStartSchema);
        const opts = { detach: !!body.Detach, tty: !!body.Tty, consoleSize: body.ConsoleSize ?? undefined };
        if (opts.detach) {
          await execs.start(ctx.params.id!, opts);
          ctx.send(200);
          return;
        }
        await execs.start(ctx.params.id!, opts, () => ctx.hijack());
      },
    },
    {
      method: 'POST',
      path: '/exec/{id}/resize',
      handler: async (ctx) => {
        await execs.resize(ctx.params.id!, ctx.query.int('h') ?? 0, ctx.query.int('w') ?? 0);
        ctx.send(200);
      },
    },
    { method: 'GET', path: '/exec/{id}/json', handler: async (ctx) => ctx.send(200, await execs.inspect(ctx.params.id!)) },
  ];
}
