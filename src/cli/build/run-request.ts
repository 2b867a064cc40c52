/**
 * @module cli/build/run-request
 * Sends a build to the daemon and shows its progress. The context goes in place when the
 * daemon is on this machine (a unix socket, the directory visible to it), else as a tar with
 * the docker CLI's `Sending build context to … daemon` line. The reply is shown as Docker's
 * classic text, or through the live (tty) or log (plain) views; a failed build exits with the
 * failing RUN's status (1 for other errors), as `docker build` does.
 */
import { statSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { FailedPrecondition, InvalidArgument } from '../../errdefs/index.js';
import type { BuildMessage, BuildProgressEvent, BuildTimeline } from '../../api/types/build.js';
import { isDaemonError, type QueryValue } from '../../client/client.js';
import { ExitError, type CliContext } from '../command.js';
import type { ProgressMode } from '../commands/build.js';
import { prepareContext, preparedBody, preparedSize, type PreparedContext } from './context-source.js';
import { sendingContextLine } from './sending-line.js';
import { registryConfigHeader } from '../credentials.js';
import { secretsHeader } from './session-options.js';
import { buildMetadata, writeMetadataFile, writeOutput, type BuildOutput } from './outputs.js';
import { parseNormalizedNamed, referenceString, tagNameOnly } from '../../image/reference.js';
import { formatCacheSpec, type CacheSpec } from '../../image/cache-spec.js';

export interface BuildCall {
  location: string;
  file: string;
  query: Record<string, QueryValue>;
  quiet: boolean;
  mode: ProgressMode;
  iidfile: string;
  /** `--secret`s (sent as a header). */
  secrets?: Record<string, Buffer>;
  /** `--metadata-file` (absolute), '' for none. */
  metadataFile?: string;
  /** `--timeline` (absolute), '' for none. */
  timeline?: string;
  /** `--output`: the result's files instead of an image. */
  output?: BuildOutput;
  /** The `-t` names applied (for the metadata file). */
  tags?: string[];
  /** `--cache-from` / `--cache-to`. */
  cache?: { from: CacheSpec[]; to: CacheSpec[] };
}

interface View {
  message(m: BuildMessage): void;
  /** The build failed with this message. */
  fail(message: string): void;
  end(): void;
}

/** The line `--explain-cache` prints under a step that missed the cache, in the classic text. */
export function cacheMissLine(reason: string): string {
  return ` ---> CACHE MISS: ${reason}\n`;
}

function classicView(ctx: CliContext, quiet: boolean, held: string[]): View {
  return {
    message: (m) => {
      if (m.id === 'berth.cache-miss' && m.aux && 'reason' in m.aux && !quiet) ctx.out(cacheMissLine(m.aux.reason));
      if (m.stream === undefined) return;
      if (quiet) held.push(m.stream);
      else ctx.out(m.stream);
    },
    fail: () => {},
    end: () => {},
  };
}

async function eventView(ctx: CliContext, mode: 'tty' | 'plain'): Promise<View> {
  const now = () => Date.now();
  if (mode === 'plain') {
    const { PlainProgress } = await import('./progress-plain.js');
    const p = new PlainProgress((s) => ctx.err(s), now());
    return { message: (m) => m.event && p.event(m.event, now()), fail: (msg) => p.fail(msg, now()), end: () => {} };
  }
  const { TtyDriver, TtyProgress } = await import('./progress-tty.js');
  const view = new TtyProgress(now());
  const driver = new TtyDriver(view, ctx.stderr);
  driver.start();
  return {
    message: (m) => m.event && view.event(m.event, now()),
    fail: () => view.model.finish(now(), true),
    end: () => {
      if (view.model.ended === undefined) view.model.finish(now(), false);
      driver.stop();
    },
  };
}

/** Whether the daemon can read `dir` in place: a unix socket on this machine. */
function localPath(env: NodeJS.ProcessEnv, endpoint: unknown, c: PreparedContext): { path: string; dev: number; ino: number } | undefined {
  if (env.BERTH_BUILD_CONTEXT === 'tar') return undefined;
  if (c.kind !== 'dir' || !c.dir || c.extra.length) return undefined;
  if (!endpoint || typeof endpoint !== 'object' || !('socketPath' in endpoint)) return undefined;
  const st = statSync(c.dir);
  return { path: c.dir, dev: st.dev, ino: st.ino };
}

/**
 * The query parameters of `--cache-from`/`--cache-to`: berth's own (`berthcachefrom`,
 * `berthcacheto`) for a berthd; for another engine, registry `--cache-from`s become Docker's
 * `cachefrom` (the legacy builder's cache source images), and the rest is refused.
 */
function cacheQuery(cache: BuildCall['cache'], berthd: boolean): Record<string, QueryValue> {
  if (!cache || (!cache.from.length && !cache.to.length)) return {};
  if (berthd) {
    return {
      ...(cache.from.length ? { berthcachefrom: JSON.stringify(cache.from.map((c) => formatCacheSpec(c, 'cache-from'))) } : {}),
      ...(cache.to.length ? { berthcacheto: JSON.stringify(cache.to.map((c) => formatCacheSpec(c, 'cache-to'))) } : {}),
    };
  }
  if (cache.to.length) throw new InvalidArgument('--cache-to needs a berth daemon: this daemon\'s legacy builder cannot export a cache');
  const refs = cache.from.map((c) => {
    if (c.type !== 'registry') throw new InvalidArgument('--cache-from type=local needs a berth daemon');
    return c.ref;
  });
  return { cachefrom: JSON.stringify(refs) };
}

async function isBerthd(client: { ping(): Promise<Record<string, string | string[] | undefined>> }): Promise<boolean> {
  const server = (await client.ping().catch(() => ({}) as Record<string, undefined>)).server;
  return typeof server === 'string' && server.startsWith('Berth/');
}

export async function runBuildRequest(cliCtx: CliContext, call: BuildCall): Promise<number> {
  // `-o -`: stdout carries the tar, so the build's text goes to stderr (as with buildx).
  const ctx: CliContext = call.output?.type === 'tar' && call.output.dest === '-' ? { ...cliCtx, out: (t) => cliCtx.err(t) } : cliCtx;
  const prepared = await prepareContext({ location: call.location, file: call.file, stdin: ctx.stdin, cwd: ctx.cwd });
  try {
    const client = await ctx.client();
    const events = call.mode !== 'classic';
    let berthd: boolean | undefined;
    const askBerthd = async () => (berthd ??= await isBerthd(client));
    const hasCache = call.cache !== undefined && call.cache.from.length + call.cache.to.length > 0;
    const query: Record<string, QueryValue> = {
      ...call.query, dockerfile: prepared.dockerfile, ...(events ? { events: true } : {}),
      ...(hasCache ? cacheQuery(call.cache, await askBerthd()) : {}),
    };
    const held: string[] = [];
    const view = events ? await eventView(ctx, call.mode as 'tty' | 'plain') : classicView(ctx, call.quiet, held);
    const size = preparedSize(prepared);
    const showSending = !call.quiet && call.mode === 'classic';
    let imageId = '';
    let timeline: BuildTimeline | undefined;
    let error: { message: string; code: number } | undefined;
    const onMessage = (raw: Record<string, unknown>) => {
      const m = raw as BuildMessage;
      if (m.errorDetail || m.error) {
        error ??= { message: m.errorDetail?.message ?? m.error ?? 'unknown error', code: m.errorDetail?.code || 1 };
        return;
      }
      if (m.id === 'berth.timeline') {
        timeline = m.aux as BuildTimeline;
        return;
      }
      if (m.aux && 'ID' in m.aux && m.aux.ID) imageId = m.aux.ID;
      const ev = m.event as BuildProgressEvent | undefined;
      if (ev?.kind === 'built') imageId = ev.id;
      view.message(m);
    };
    const secrets = secretsHeader(call.secrets ?? {});
    const headers = { 'Content-Type': 'application/x-tar', 'X-Registry-Config': await registryConfigHeader(ctx.env), ...(secrets ? { 'X-Berth-Build-Secrets': secrets } : {}) };
    // Only berthd reads a context in place: any other engine gets the tar the docker CLI sends.
    const inPlace = localPath(ctx.env, client.endpoint, prepared);
    const local = inPlace && (await askBerthd()) ? inPlace : undefined;
    let sent = false;
    if (local) {
      if (showSending) ctx.out(sendingContextLine(size, false));
      try {
        await client.jsonStream('POST', '/build', {
          query: { ...query, contextpath: local.path, contextdev: String(local.dev), contextino: String(local.ino) },
          body: Buffer.alloc(0),
          headers,
        }, onMessage);
        sent = true;
      } catch (e) {
        // 412: the daemon cannot see this directory (another mount namespace, a remote
        // daemon); send the context as a tar instead.
        if (!(isDaemonError(e) && e instanceof FailedPrecondition)) {
          view.end();
          throw e;
        }
      }
    }
    if (!sent) {
      const body = preparedBody(prepared);
      const counted = countingBody(body, showSending && !local ? (n, last) => ctx.out(sendingContextLine(n, !last && ctx.stdout.isTTY === true)) : undefined, ctx.stdout.isTTY === true);
      try {
        await client.jsonStream('POST', '/build', { query, body: counted, headers }, onMessage);
      } catch (e) {
        view.end();
        if (call.quiet && held.length) ctx.err(held.join(''));
        throw e;
      }
    }
    if (error) {
      view.fail(error.message);
      view.end();
      if (call.quiet) ctx.err(held.join(''));
      throw new ExitError(error.code, error.message);
    }
    view.end();
    if (call.quiet) {
      // As the docker CLI: -q prints the daemon's text (the ID), which is also what --iidfile gets.
      imageId = held.join('');
      ctx.out(imageId);
    }
    if (call.iidfile) {
      if (!imageId) throw new ExitError(1, `server did not provide an image ID. Cannot write ${call.iidfile}`);
      writeFileSync(call.iidfile, imageId);
    }
    const id = imageId.trim();
    if (call.timeline && timeline) {
      const { timelineHtml } = await import('./timeline-html.js');
      writeFileSync(call.timeline, timelineHtml(timeline, `berth build ${call.location}`));
    }
    if (call.output) await writeOutput(client, id, call.output, cliCtx.stdout);
    if (call.metadataFile) {
      const names = call.output ? [] : [...new Set((call.tags ?? []).map((t) => referenceString(tagNameOnly(parseNormalizedNamed(t)))))];
      await writeMetadataFile(call.metadataFile, call.output ? {} : buildMetadata(id, names));
    }
    return 0;
  } finally {
    if (prepared.kind === 'dir') await prepared.cleanup?.();
  }
}

/** Wraps the body to report bytes sent (every 512 kB on a terminal, and once at the end). */
function countingBody(body: NodeJS.ReadableStream | Buffer, report: ((n: number, last: boolean) => void) | undefined, tty: boolean): Readable | Buffer {
  if (!report) return Buffer.isBuffer(body) ? body : Readable.from(body as AsyncIterable<Buffer>);
  let n = 0;
  let lastReport = 0;
  let lastTime = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    const src = Buffer.isBuffer(body) ? [body] : (body as AsyncIterable<Buffer>);
    for await (const c of src) {
      n += c.length;
      if (tty && n - lastReport > 512 << 10 && Date.now() - lastTime >= 100) {
        report!(n, false);
        lastReport = n;
        lastTime = Date.now();
      }
      yield c;
    }
    report!(n, true);
  }
  return Readable.from(counted());
}
