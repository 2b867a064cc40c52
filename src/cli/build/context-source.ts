/**
 * @module cli/build/context-source
 * What `berth build PATH | - | URL` sends, decided as the docker CLI decides it:
 * - `-`: stdin is a context tar (plain or compressed), or else a Dockerfile alone;
 * - a git URL is cloned (shallow) into a temporary directory, then used as a directory;
 * - an http(s) URL is downloaded: a tar is the context, anything else is the Dockerfile;
 * - a directory is walked through `.dockerignore`.
 * A Dockerfile from stdin (`-f -`) or from outside the context directory is added to the
 * context under a random name that `.dockerignore` then excludes, so COPY never sees it.
 */
import { mkdtempSync, promises as fs, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InvalidArgument, NotFound, Unavailable } from '../../errdefs/index.js';
import { detectCompression } from '../../util/tar/compression.js';
import { checksumOk } from '../../util/tar/header.js';
import { contextTar, contextTarSize, type ExtraFile } from './context-tar.js';
import { readDockerignore, walkContext, type WalkEntry } from './context-walk.js';

export type PreparedContext =
  /** A directory: sendable as a tar, or usable in place by a local daemon. */
  | { kind: 'dir'; dir: string; dockerfile: string; entries: WalkEntry[]; extra: ExtraFile[]; cleanup?: () => Promise<void> }
  /** Bytes already forming the context (a tar from stdin or a URL). */
  | { kind: 'bytes'; body: Buffer; dockerfile: string };

async function readStdin(stdin: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

/** Whether bytes are a (possibly compressed) archive rather than a Dockerfile. */
export function looksLikeArchive(b: Buffer): boolean {
  if (detectCompression(b.subarray(0, 6)) !== 'none') return true;
  return b.length >= 512 && checksumOk(b.subarray(0, 512));
}

function isGitUrl(s: string): boolean {
  return /^git@/.test(s) || /^git:\/\//.test(s) || /^github\.com\//.test(s) || (/^https?:\/\//.test(s) && /\.git(#.*)?$/.test(s));
}

/** A context holding only a Dockerfile (a stdin or URL Dockerfile without a context). */
function dockerfileOnly(text: Buffer, name = 'Dockerfile'): PreparedContext {
  return { kind: 'dir', dir: '', dockerfile: name, entries: [], extra: [{ rel: name, data: text }] };
}

/** Adds an outside Dockerfile under a random name and has .dockerignore exclude it. */
function withOutsideDockerfile(dir: string, entries: WalkEntry[], data: Buffer): { extra: ExtraFile[]; dockerfile: string; entries: WalkEntry[] } {
  const name = `.dockerfile.${Array.from({ length: 20 }, () => Math.floor(Math.random() * 16).toString(16)).join('')}`;
  let ignore = '';
  try {
    ignore = readFileSync(join(dir, '.dockerignore'), 'utf8');
  } catch {
    ignore = '';
  }
  const newIgnore = `${ignore}${ignore && !ignore.endsWith('\n') ? '\n' : ''}.dockerignore\n${name}\n`;
  return {
    extra: [{ rel: '.dockerignore', data: Buffer.from(newIgnore) }, { rel: name, data }],
    dockerfile: name,
    entries: entries.filter((e) => e.rel !== '.dockerignore'),
  };
}

export interface ContextRequest {
  /** PATH, `-` or URL. */
  location: string;
  /** `-f`: '' (default), a path, or `-`. */
  file: string;
  stdin: NodeJS.ReadableStream;
  /** The caller's working directory, for a relative PATH and `-f`. */
  cwd: string;
}

export async function prepareContext(req: ContextRequest): Promise<PreparedContext> {
  const { location, file } = req;
  if (location === '-') {
    if (file === '-') throw new InvalidArgument('invalid argument: can\'t use stdin for both build context and dockerfile');
    const body = await readStdin(req.stdin);
    if (looksLikeArchive(body)) return { kind: 'bytes', body, dockerfile: file || 'Dockerfile' };
    return dockerfileOnly(body);
  }
  if (isGitUrl(location)) return fromGit(location, file, req.stdin, req.cwd);
  if (/^https?:\/\//i.test(location)) {
    let res: Response;
    try {
      res = await fetch(location);
    } catch (e) {
      throw new Unavailable(`unable to prepare context: unable to download remote context ${location}: ${(e as Error).message}`, { cause: e });
    }
    if (!res.ok) throw new Unavailable(`unable to prepare context: unable to download remote context ${location}: ${res.status} ${res.statusText}`);
    const body = Buffer.from(await res.arrayBuffer());
    if (looksLikeArchive(body)) return { kind: 'bytes', body, dockerfile: file || 'Dockerfile' };
    return dockerfileOnly(body, file && file !== '-' ? file : 'Dockerfile');
  }
  return fromDir(location, file, req.stdin, req.cwd);
}

async function fromDir(location: string, file: string, stdin: NodeJS.ReadableStream, cwd: string, cleanup?: () => Promise<void>): Promise<PreparedContext> {
  let st;
  const dir = resolve(cwd, location);
  try {
    st = statSync(dir);
  } catch {
    throw new NotFound(`unable to prepare context: path "${location}" not found`);
  }
  if (!st.isDirectory()) throw new InvalidArgument(`unable to prepare context: context must be a directory: ${location}`);
  const ignore = readDockerignore(dir);
  if (file === '-') {
    const data = await readStdin(stdin);
    const entries = walkContext(dir, ignore, ['.dockerignore']);
    return { kind: 'dir', dir, ...withOutsideDockerfile(dir, entries, data), ...(cleanup ? { cleanup } : {}) };
  }
  const dfAbs = file ? resolve(cwd, file) : join(dir, 'Dockerfile');
  let rel = relative(dir, dfAbs);
  const inside = rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
  if (!inside) {
    let data: Buffer;
    try {
      data = await fs.readFile(dfAbs);
    } catch {
      throw new NotFound(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dfAbs}: no such file or directory`);
    }
    const entries = walkContext(dir, ignore, ['.dockerignore']);
    return { kind: 'dir', dir, ...withOutsideDockerfile(dir, entries, data), ...(cleanup ? { cleanup } : {}) };
  }
  rel = rel.split(sep).join('/');
  if (!file) {
    try {
      statSync(dfAbs);
    } catch {
      // Docker also accepts a lower-case dockerfile.
      try {
        statSync(join(dir, 'dockerfile'));
        rel = 'dockerfile';
      } catch {
        throw new NotFound(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dfAbs}: no such file or directory`);
      }
    }
  } else {
    try {
      statSync(dfAbs);
    } catch {
      throw new NotFound(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dfAbs}: no such file or directory`);
    }
  }
  const entries = walkContext(dir, ignore, ['.dockerignore', rel]);
  return { kind: 'dir', dir, dockerfile: rel, entries, extra: [], ...(cleanup ? { cleanup } : {}) };
}

async function fromGit(url: string, file: string, stdin: NodeJS.ReadableStream, cwd: string): Promise<PreparedContext> {
  const [repo, fragment = ''] = url.split('#', 2) as [string, string?];
  const [ref, subdir = ''] = fragment.split(':', 2) as [string, string?];
  const tmp = mkdtempSync(join(tmpdir(), 'berth-build-git-'));
  const cleanup = () => fs.rm(tmp, { recursive: true, force: true });
  const remote = repo.startsWith('github.com/') ? `https://${repo}` : repo;
  const args = ['clone', '--recurse-submodules', '--depth', '1', ...(ref ? ['--branch', ref] : []), remote, tmp];
  try {
    const { execFile } = await import('node:child_process');
    await new Promise<void>((res, rej) =>
      execFile('git', args, (err, _o, stderr) => (err ? rej(new Unavailable(`unable to prepare context: unable to 'git clone' to temporary context directory: ${stderr.trim() || err.message}`)) : res())),
    );
    return await fromDir(join(tmp, subdir), file, stdin, cwd, cleanup);
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Bytes of the context as it would be sent. */
export function preparedSize(c: PreparedContext): number {
  return c.kind === 'bytes' ? c.body.length : contextTarSize(c.entries, c.extra);
}

/** The context as a request body. */
export function preparedBody(c: PreparedContext): NodeJS.ReadableStream | Buffer {
  return c.kind === 'bytes' ? c.body : contextTar(c.entries, c.extra);
}
