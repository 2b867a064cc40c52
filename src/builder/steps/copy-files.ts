/**
 * @module builder/steps/copy-files
 * Writes COPY/ADD sources into an image's file system view, with Docker's semantics:
 * - a file keeps its mode and (whole-second) mtime; it is owned by the `--chown` identity
 *   (default 0:0) — chown after chmod, so the kernel drops setuid (and setgid of group-
 *   executable files) as it does for Docker; with `--from` and no `--chown` owners are kept;
 * - a directory's *contents* are copied; an existing directory is merged, anything else in
 *   the way is replaced; hard links inside the copied tree stay hard links; symlinks stay links;
 * - nothing is ever written through a symlink of the destination tree: every path below the
 *   (scope-resolved) destination is walked with lstat, so an absolute link in the image can
 *   never lead to the host.
 */
import {
  chmodSync, constants as C, linkSync, lchownSync, lstatSync, lutimesSync, mkdirSync, rmSync, symlinkSync, utimesSync,
  promises as fs,
} from 'node:fs';
import { join } from 'node:path';
import type { ContextEntry } from '../types.js';
import type { ResolvedSource, SourceTree } from './copy-sources.js';

export interface Identity {
  uid: number;
  gid: number;
}

export interface CopyOptions {
  /** Owner of what is copied; undefined keeps the source's owners (`--from` without `--chown`). */
  identity: Identity | undefined;
  /** `--chmod`: mode of copied files and directories. */
  mode?: number;
}

const BIG_FILE = 4 << 20;

function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Makes `dir` and missing parents (0755, owned by `owner`); returns the directories it created. */
export function mkdirAll(dir: string, owner: Identity): string[] {
  const created: string[] = [];
  const missing: string[] = [];
  let p = dir;
  for (;;) {
    const st = lstatOrUndefined(p);
    if (st) break;
    missing.unshift(p);
    const parent = join(p, '..');
    if (parent === p) break;
    p = parent;
  }
  for (const m of missing) {
    mkdirSync(m, { mode: 0o755 });
    chmodSync(m, 0o755);
    lchownSync(m, owner.uid, owner.gid);
    created.push(m);
  }
  return created;
}

/** Puts a real directory at `p`, replacing any non-directory there. */
function ensureDir(p: string): boolean {
  const st = lstatOrUndefined(p);
  if (st?.isDirectory()) return false;
  if (st) rmSync(p, { recursive: true, force: true });
  mkdirSync(p, { mode: 0o755 });
  return true;
}

/** Removes whatever is at `p`, for a file or link to take its place. */
function clearForFile(p: string): void {
  if (lstatOrUndefined(p)) rmSync(p, { recursive: true, force: true });
}

function owner(entry: ContextEntry, opts: CopyOptions): Identity {
  return opts.identity ?? { uid: entry.uid, gid: entry.gid };
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Copies one file's content and metadata to `dest` (which must not exist), through one descriptor. */
async function copyFileTo(tree: SourceTree, e: ContextEntry, dest: string, opts: CopyOptions): Promise<void> {
  const src = join(tree.root, e.rel);
  const o = owner(e, opts);
  const t = seconds(e.mtimeMs);
  if (e.size >= BIG_FILE) {
    // copy_file_range in the kernel for big files.
    await fs.copyFile(src, dest);
    const fh = await fs.open(dest, 'r+');
    try {
      await fh.chmod(opts.mode ?? e.mode);
      await fh.chown(o.uid, o.gid);
      await fh.utimes(t, t);
    } finally {
      await fh.close();
    }
    return;
  }
  const data = await fs.readFile(src);
  const fh = await fs.open(dest, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
  try {
    if (data.length) await fh.write(data, 0, data.length, 0);
    // chmod before chown: the kernel then drops setuid (and setgid of group-executables), as for Docker.
    await fh.chmod(opts.mode ?? e.mode);
    await fh.chown(o.uid, o.gid);
    await fh.utimes(t, t);
  } finally {
    await fh.close();
  }
}

/** Files copied at once: file creation is mostly kernel time, which a second core speeds up. */
const PARALLEL_FILES = 8;

async function runPool<T>(items: readonly T[], n: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await f(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/**
 * Copies a directory's contents into `destDir` (an existing real directory): directories and
 * links first, in walk order, then the files' contents several at a time, then hard links to
 * them and the directories' mtimes.
 */
async function copyTree(tree: SourceTree, srcRel: string, destDir: string, opts: CopyOptions, links: Map<number, string>): Promise<void> {
  const dirTimes: [string, number][] = [];
  const files: { e: ContextEntry; target: string }[] = [];
  const hardlinks: { first: string; target: string }[] = [];
  const walk = (rel: string, dest: string, fresh: boolean): void => {
    for (const name of tree.readdir(rel)) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const e = tree.lstat(childRel);
      if (!e) continue;
      const target = join(dest, name);
      const o = owner(e, opts);
      if (e.type === 'dir') {
        const created = fresh ? (mkdirSync(target, { mode: 0o755 }), true) : ensureDir(target);
        chmodSync(target, opts.mode ?? e.mode);
        lchownSync(target, o.uid, o.gid);
        walk(childRel, target, created);
        dirTimes.push([target, seconds(e.mtimeMs)]);
      } else if (e.type === 'file') {
        if (!fresh) clearForFile(target);
        const first = e.nlink > 1 ? links.get(e.ino) : undefined;
        if (first !== undefined) {
          hardlinks.push({ first, target });
          continue;
        }
        if (e.nlink > 1) links.set(e.ino, target);
        files.push({ e, target });
      } else if (e.type === 'symlink') {
        if (!fresh) clearForFile(target);
        symlinkSync(e.linkTarget ?? '', target);
        lchownSync(target, o.uid, o.gid);
        const t = seconds(e.mtimeMs);
        lutimesSync(target, t, t);
      }
      // Sockets, fifos and devices in a context are skipped, as the docker CLI's tar does.
    }
  };
  walk(srcRel, destDir, false);
  await runPool(files, PARALLEL_FILES, (f) => copyFileTo(tree, f.e, f.target, opts));
  for (const h of hardlinks) linkSync(h.first, h.target);
  for (const [p, t] of dirTimes.reverse()) utimesSync(p, t, t);
}

/**
 * Copies one resolved source to `destAbs` (already resolved inside the view): a directory's
 * contents into it; a file to it, or into it when `intoDir` (the destination ends in `/` or is
 * an existing directory).
 */
export async function copySource(
  tree: SourceTree,
  src: ResolvedSource,
  destAbs: string,
  intoDir: boolean,
  opts: CopyOptions,
): Promise<void> {
  const root: Identity = { uid: 0, gid: 0 };
  if (src.entry.type === 'dir') {
    const existed = lstatOrUndefined(destAbs)?.isDirectory() ?? false;
    mkdirAll(join(destAbs, '..'), root);
    ensureDir(destAbs);
    if (!existed) {
      chmodSync(destAbs, 0o755);
      const o = opts.identity ?? root;
      lchownSync(destAbs, o.uid, o.gid);
    }
    await copyTree(tree, src.rel, destAbs, opts, new Map());
    return;
  }
  const dest = intoDir ? join(destAbs, src.name) : destAbs;
  mkdirAll(join(dest, '..'), opts.identity ?? root);
  if (src.entry.type === 'file') {
    clearForFile(dest);
    await copyFileTo(tree, src.entry, dest, opts);
  } else if (src.entry.type === 'symlink') {
    // A dangling link named as a source: copied as the link.
    clearForFile(dest);
    symlinkSync(src.entry.linkTarget ?? '', dest);
  }
}

/** Writes an inline (heredoc) file: mode 0644 unless `--chmod`, owned by the identity. */
export function writeInlineFile(dest: string, content: string, opts: CopyOptions): Promise<void> {
  mkdirAll(join(dest, '..'), opts.identity ?? { uid: 0, gid: 0 });
  clearForFile(dest);
  return fs.writeFile(dest, content).then(() => {
    chmodSync(dest, opts.mode ?? 0o644);
    const o = opts.identity ?? { uid: 0, gid: 0 };
    lchownSync(dest, o.uid, o.gid);
  });
}
