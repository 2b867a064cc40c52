/**
 * @module api/routes/containers-io
 * The streaming container endpoints: attach (hijacked: `101 UPGRADED` with `Upgrade: tcp`,
 * else `200` raw-stream), wait (headers flushed before the wait, so clients can send start),
 * logs (frames without a TTY, raw with one; `timestamps` prefixes), archive (GET/HEAD/PUT,
 * with X-Docker-Container-Path-Stat), export and stats (JSON lines).
 */
import { pipeline } from 'node:stream/promises';
import type { ContainerIOService } from '../../engine/containers/types.js';
import { parseCondition } from '../../engine/containers/wait.js';
import { InvalidArgument } from '../../errdefs/index.js';
import { formatLogTime } from '../../util/log-time.js';
import type { Ctx } from '../context.js';
import type { Route } from '../router.js';

/** `since`/`until`: unix seconds with an optional fraction, or RFC 3339; 0 or absent = none. */
export function parseTimeParam(v: string | undefined, name: string): bigint | undefined {
  if (v === undefined || v === '' || v === '0') return undefined;
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(v);
  if (m) return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgument(`invalid value for "${name}": failed to parse value as time or duration: "${v}"`);
  return BigInt(t) * 1_000_000n;
}

function parseTail(v: string | undefined): number | undefined {
  if (v === undefined || v === '' || v === 'all') return undefined;
  const n = Number(v);
  // dockerd 20.10 shows everything for a tail it cannot read.
  if (!Number.isInteger(n)) return undefined;
  return n < 0 ? undefined : n;
}

function pathStatHeader(stat: unknown): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

/** Stats: one JSON message per line, every second while `stream` (the default) holds. */
async function statsHandler(ctx: Ctx, containers: ContainerIOService): Promise<void> {
  const stream = ctx.query.bool('stream', true);
  const oneShot = ctx.query.bool('one-shot');
  if (oneShot && stream) throw new InvalidArgument('cannot have stream=true and one-shot=true');
  const messages = await containers.stats(ctx.params.id!, { stream, oneShot, signal: ctx.signal });
  const out = ctx.startStream(200, 'application/json');
  for await (const m of messages) {
    if (!out.write(JSON.stringify(m) + '\n')) await new Promise((res) => out.once('drain', res));
    if (ctx.signal.aborted) break;
  }
  out.end();
}

/** Go's url.QueryEscape: all but letters, digits and `-_.~` percent-encoded, a space as `+`. */
function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A record's attributes as dockerd prints them for `details`: sorted by key, `k=v` joined by commas. */
export function detailsPrefix(attrs: Record<string, string> | undefined): string {
  if (!attrs) return '';
  return Object.keys(attrs)
    .sort()
    .map((k) => `${queryEscape(k)}=${queryEscape(attrs[k]!)}`)
    .join(',');
}

async function logsHandler(ctx: Ctx, containers: ContainerIOService): Promise<void> {
  const q = ctx.query;
  const { tty, records } = await containers.logs(ctx.params.id!, {
    stdout: q.bool('stdout'), stderr: q.bool('stderr'), follow: q.bool('follow'), tail: parseTail(q.string('tail')),
    since: parseTimeParam(q.string('since'), 'since'), until: parseTimeParam(q.string('until'), 'until'), signal: ctx.signal,
  });
  const timestamps = q.bool('timestamps');
  // `details`: each line after its log attributes (`k=v,…`, from log-opt labels/env) and a
  // space; the space alone for records without attributes, as dockerd.
  const details = q.bool('details');
  const out = ctx.startStream(200, 'application/vnd.docker.raw-stream');
  for await (const r of records) {
    const line = details ? Buffer.concat([Buffer.from(`${detailsPrefix(r.attrs)} `), r.log]) : r.log;
    const data = timestamps ? Buffer.concat([Buffer.from(formatLogTime(r.timeNs) + ' '), line]) : line;
    let ok: boolean;
    if (tty) ok = out.write(data);
    else {
      const h = Buffer.alloc(8);
      h[0] = r.stream === 'stderr' ? 2 : 1;
      h.writeUInt32BE(data.length, 4);
      ok = out.write(Buffer.concat([h, data]));
    }
    if (!ok) await new Promise((res) => out.once('drain', res));
    if (ctx.signal.aborted) break;
  }
  out.end();
}

export function containerIoRoutes(containers: ContainerIOService): Route[] {
  return [
    {
      method: 'POST',
      path: '/containers/{id}/attach',
      handler: async (ctx) => {
        const q = ctx.query;
        await containers.attach(
          ctx.params.id!,
          { stdin: q.bool('stdin'), stdout: q.bool('stdout'), stderr: q.bool('stderr'), stream: q.bool('stream'), logs: q.bool('logs'), detachKeys: q.string('detachKeys') },
          () => ctx.hijack(),
        );
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/wait',
      handler: async (ctx) => {
        const condition = parseCondition(ctx.query.string('condition'));
        const { result } = await containers.wait(ctx.params.id!, condition, ctx.signal);
        const out = ctx.startStream(200, 'application/json');
        const r = await result;
        if (!ctx.signal.aborted) out.end(JSON.stringify(r) + '\n');
      },
    },
    { method: 'GET', path: '/containers/{id}/logs', handler: (ctx) => logsHandler(ctx, containers) },
    { method: 'GET', path: '/containers/{id}/stats', handler: (ctx) => statsHandler(ctx, containers) },
    {
      method: 'HEAD',
      path: '/containers/{id}/archive',
      handler: async (ctx) => {
        const { stat } = await containers.archive(ctx.params.id!, ctx.query.string('path') ?? '', { statOnly: true });
        ctx.sendBytes(200, '', 'application/x-tar', { 'X-Docker-Container-Path-Stat': pathStatHeader(stat) });
      },
    },
    {
      method: 'GET',
      path: '/containers/{id}/archive',
      handler: async (ctx) => {
        const { stat, tar } = await containers.archive(ctx.params.id!, ctx.query.string('path') ?? '');
        const out = ctx.startStream(200, 'application/x-tar', { 'X-Docker-Container-Path-Stat': pathStatHeader(stat) });
        ctx.signal.addEventListener('abort', () => tar!.destroy(), { once: true });
        await pipeline(tar!, out);
      },
    },
    {
      method: 'PUT',
      path: '/containers/{id}/archive',
      handler: async (ctx) => {
        await containers.extract(ctx.params.id!, ctx.query.string('path') ?? '', ctx.bodyStream(), {
          noOverwriteDirNonDir: ctx.query.bool('noOverwriteDirNonDir'), copyUIDGID: ctx.query.bool('copyUIDGID'),
        });
        ctx.send(200);
      },
    },
    {
      method: 'GET',
      path: '/containers/{id}/export',
      handler: async (ctx) => {
        const tar = await containers.export(ctx.params.id!);
        const out = ctx.startStream(200, 'application/x-tar');
        ctx.signal.addEventListener('abort', () => tar.destroy(), { once: true });
        await pipeline(tar, out);
      },
    },
  ];
}
