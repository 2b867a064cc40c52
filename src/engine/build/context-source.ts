/**
 * @module engine/build/context-source
 * Opens a build's context and reads its Dockerfile, as dockerd does for the legacy builder:
 * - a tar body is extracted into the build scratch space (hashing files on the way);
 * - a local directory (the berth CLI on this host) is used in place, through `.dockerignore`,
 *   with file digests remembered between builds;
 * - a `remote` URL is downloaded: a tar is a context, anything else is the Dockerfile.
 * The Dockerfile is found inside the context (`Dockerfile`, else `dockerfile`); the
 * Dockerfile and `.dockerignore` are then hidden from COPY when `.dockerignore` excludes them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DigestCache } from '../../builder/context/digest-cache.js';
import { DirContext } from '../../builder/context/dir-context.js';
import { MAX_CONTEXT_BYTES, MAX_DOCKERFILE_BYTES, MAX_REMOTE_CONTEXT_BYTES, formatLimit } from '../../builder/limits.js';
import { receiveContextTar } from '../../builder/context/receive-tar.js';
import { readContextFilter } from '../../builder/plan/context-filter.js';
import { OutsideRootError, resolveInScope } from '../../builder/rootfs/scope.js';
import { dirLinkReader } from '../../builder/steps/view-reader.js';
import type { BuildContext } from '../../builder/types.js';
import { FailedPrecondition, InvalidArgument, SystemError, Unavailable } from '../../errdefs/index.js';
import { checksumOk } from '../../util/tar/header.js';
import type { BuildContextInput } from './types.js';

export interface OpenedContext {
  context: BuildContext;
  dockerfile: { name: string; text: string };
}

/** Reads the Dockerfile from a context directory (never from outside it). */
async function readDockerfile(root: string, name: string): Promise<{ name: string; text: string } | undefined> {
  let rel: string;
  try {
    rel = resolveInScope(name, dirLinkReader(root), { strict: true, followLast: true });
  } catch (e) {
    if (e instanceof OutsideRootError) throw new InvalidArgument(`forbidden path outside the build context: ${name}`, { cause: e });
    throw e;
  }
  try {
    const path = join(root, rel);
    const st = await fs.stat(path);
    if (st.isFile() && st.size > MAX_DOCKERFILE_BYTES) throw dockerfileTooLarge(name, st.size);
    return { name, text: await fs.readFile(path, 'utf8') };
  } catch (e) {
    if (e instanceof InvalidArgument) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new SystemError(`cannot read the Dockerfile ${name}: ${(e as Error).message}`, { cause: e });
  }
}

function dockerfileTooLarge(name: string, size: number): InvalidArgument {
  return new InvalidArgument(`the Dockerfile (${name}) is ${size} bytes, over the limit of ${formatLimit(MAX_DOCKERFILE_BYTES)}`);
}

/** The body of a download, failing once it passes `max` bytes. */
async function readCapped(res: Response, max: number, url: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  const tooBig = () => new InvalidArgument(`the remote context ${url} is over the limit of ${formatLimit(max)}`);
  if (declared > max) throw tooBig();
  const parts: Buffer[] = [];
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > max) throw tooBig();
      parts.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(parts);
}

/** Passes the context's bytes through, failing once they pass the limit. */
async function* capContext(stream: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > MAX_CONTEXT_BYTES) throw new InvalidArgument(`the build context is over the limit of ${formatLimit(MAX_CONTEXT_BYTES)}`);
    yield chunk;
  }
}

async function findDockerfile(root: string, name: string): Promise<{ name: string; text: string }> {
  const df = (await readDockerfile(root, name)) ?? (name === 'Dockerfile' ? await readDockerfile(root, 'dockerfile') : undefined);
  if (!df) throw new InvalidArgument(`Cannot locate specified Dockerfile: ${name}`);
  if (df.text.length === 0) throw new InvalidArgument(`the Dockerfile (${name}) cannot be empty`);
  return df;
}

/** Removes the Dockerfile and .dockerignore from an extracted context when .dockerignore excludes them. */
async function removeIgnoredBuildFiles(root: string, dockerfile: string): Promise<void> {
  const filter = await readContextFilter(root);
  if (!filter) return;
  for (const f of ['.dockerignore', dockerfile]) if (filter.excluded(f)) await fs.rm(join(root, f), { force: true });
}

async function fromTar(stream: AsyncIterable<Buffer>, scratch: string, dockerfile: string): Promise<OpenedContext> {
  const dir = join(scratch, `context-${randomBytes(8).toString('hex')}`);
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  try {
    const received = await receiveContextTar(capContext(stream), dir);
    const df = await findDockerfile(dir, dockerfile);
    await removeIgnoredBuildFiles(dir, df.name);
    return { context: new DirContext(dir, { known: received.digests, knownTarsums: received.tarsums, cleanup }), dockerfile: df };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

async function fromLocal(path: string, dev: number, ino: number, cacheRoot: string, dockerfile: string): Promise<OpenedContext> {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new FailedPrecondition(`local build context not visible to the daemon: ${path}`, { cause: e });
  }
  if (!st.isDirectory() || st.dev !== dev || st.ino !== ino) {
    throw new FailedPrecondition(`local build context not visible to the daemon: ${path}`);
  }
  const df = await findDockerfile(path, dockerfile);
  const filter = await readContextFilter(path);
  const cacheFile = join(cacheRoot, 'files', `${createHash('sha256').update(path).digest('hex')}.json`);
  await fs.mkdir(join(cacheRoot, 'files'), { recursive: true, mode: 0o700 });
  const cache = await new DigestCache(cacheFile).load();
  return { context: new DirContext(path, { ...(filter ? { filter } : {}), cache }), dockerfile: df };
}

async function fromRemote(url: string, scratch: string, dockerfile: string, signal: AbortSignal): Promise<OpenedContext> {
  if (!/^https?:\/\//i.test(url)) throw new InvalidArgument(`remoteURL (${url}) could not be recognized as URL`);
  if (/\.git(#.*)?$/.test(url) || url.startsWith('git@')) throw new InvalidArgument(`git contexts are not supported: ${url}`);
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    throw new Unavailable(`error downloading remote context ${url}: ${(e as Error).message}`, { cause: e });
  }
  if (!res.ok) throw new Unavailable(`error downloading remote context ${url}: ${res.status} ${res.statusText}`);
  const body = await readCapped(res, MAX_REMOTE_CONTEXT_BYTES, url);
  const head = body.subarray(0, 512);
  const isTar = (body[0] === 0x1f && body[1] === 0x8b) || (head.length === 512 && checksumOk(head));
  if (isTar) return fromTar(Readable.from([body]), scratch, dockerfile);
  const dir = join(scratch, `context-${randomBytes(8).toString('hex')}`);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  return {
    context: new DirContext(dir, { cleanup: () => fs.rm(dir, { recursive: true, force: true }) }),
    dockerfile: { name: dockerfile, text: dockerfileText(dockerfile, body) },
  };
}

function dockerfileText(name: string, body: Buffer): string {
  if (body.length > MAX_DOCKERFILE_BYTES) throw dockerfileTooLarge(name, body.length);
  return body.toString('utf8');
}

export function openContext(input: BuildContextInput, opts: { scratch: string; cacheRoot: string; dockerfile: string; signal: AbortSignal }): Promise<OpenedContext> {
  switch (input.kind) {
    case 'tar':
      return fromTar(input.stream, opts.scratch, opts.dockerfile);
    case 'local':
      return fromLocal(input.path, input.dev, input.ino, opts.cacheRoot, opts.dockerfile);
    case 'remote':
      return fromRemote(input.url, opts.scratch, opts.dockerfile, opts.signal);
  }
}
