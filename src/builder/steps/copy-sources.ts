/**
 * @module builder/steps/copy-sources
 * What a COPY/ADD source names, with Docker's rules: a leading `/` or `./` is ignored; a
 * pattern matches entries level by level (each match copied as if named); a symlink named as
 * a source is followed; in the build context nothing may lead outside it (`../`, a symlink
 * pointing out), while in an image (`--from`) paths resolve inside its root. Then the checksum
 * of what a source matched: paths, types, modes, link targets, content (and owners when they
 * are kept), never mtimes.
 */
import { createHash } from 'node:crypto';
import { InvalidArgument, NotFound } from '../../errdefs/index.js';
import { PathMatcher, hasWildcards, unescapePattern } from '../../util/path-match.js';
import { cleanRelative, resolveInScope } from '../rootfs/scope.js';
import type { ContextEntry } from '../types.js';
import { dirChecksum } from '../context/tarsum.js';

/** A file tree COPY reads from: the build context, or an image's file system. */
export interface SourceTree {
  readonly root: string;
  lstat(rel: string): (ContextEntry) | undefined;
  readdir(rel: string): string[];
  fileDigest(entry: ContextEntry): Promise<string>;
}

export interface ResolvedSource {
  /** The path as named or matched, before its last symlink was followed. */
  path: string;
  /** Name of the copy when the destination is a directory (the last component of `path`). */
  name: string;
  /** Root-relative path of what is copied (symlinks followed). */
  rel: string;
  entry: ContextEntry;
}

export interface ResolveOptions {
  /**
   * Build context (true): a path that climbs out with `..` is an error. Symlinks are followed
   * within the root either way, as dockerd does (`abs -> /etc/passwd` names the context's
   * own `etc/passwd`).
   */
  strict: boolean;
}

function notFound(path: string, inContext: boolean): NotFound {
  const detail = `stat ${path}: file does not exist`;
  return new NotFound(inContext ? `file not found in build context or excluded by .dockerignore: ${detail}` : detail);
}

function resolveOne(tree: SourceTree, path: string, opts: ResolveOptions): ResolvedSource {
  const reader = (rel: string) => {
    const e = tree.lstat(rel);
    return e ? { symlink: e.type === 'symlink', target: e.linkTarget } : undefined;
  };
  if (opts.strict && cleanRelative(path) === undefined) {
    throw new InvalidArgument(`forbidden path outside the build context: ${path} ()`);
  }
  // The named path itself, with symlinks in its parents followed.
  const named = resolveInScope(path, reader, { strict: false, followLast: false, describe: path });
  const rel = resolveInScope(path, reader, { strict: false, followLast: true, describe: path });
  const entry = rel === '' ? tree.lstat('') : tree.lstat(rel);
  if (!entry) throw notFound(path, opts.strict);
  const name = named.slice(named.lastIndexOf('/') + 1);
  return { path: named, name, rel, entry };
}

/** Expands one pattern level by level (entries in bytewise order, as Docker's walk). */
function expandPattern(tree: SourceTree, pattern: string): string[] {
  const parts = pattern.split('/').filter((p) => p !== '' && p !== '.');
  let current: string[] = [''];
  for (const part of parts) {
    const next: string[] = [];
    if (hasWildcards(part)) {
      const pattern = new PathMatcher(part);
      for (const dir of current) {
        const e = tree.lstat(dir);
        if (!e || e.type !== 'dir') continue;
        for (const n of tree.readdir(dir)) if (pattern.matches(n)) next.push(dir === '' ? n : `${dir}/${n}`);
      }
    } else {
      const name = unescapePattern(part);
      for (const dir of current) {
        if (name === '..') continue;
        const p = dir === '' ? name : `${dir}/${name}`;
        if (tree.lstat(p)) next.push(p);
      }
    }
    current = next;
  }
  return current.filter((p) => p !== '');
}

/**
 * Resolves the sources of one COPY/ADD (after expansion; URLs already taken out). Throws
 * Docker's errors: `file not found in build context or excluded by .dockerignore: …`,
 * `forbidden path outside the build context: …`, `no source files were specified`.
 */
export function resolveSources(tree: SourceTree, sources: readonly string[], opts: ResolveOptions): ResolvedSource[] {
  const out: ResolvedSource[] = [];
  for (const raw of sources) {
    let path = raw.replace(/^\/+/, '');
    while (path.startsWith('./')) path = path.slice(2);
    if (hasWildcards(path)) {
      for (const m of expandPattern(tree, path)) out.push(resolveOne(tree, m, opts));
    } else {
      out.push(resolveOne(tree, path, opts));
    }
  }
  if (out.length === 0) throw new NotFound('no source files were specified');
  return out;
}

/**
 * The checksum dockerd's legacy builder gives a source from the build context (shown in
 * history, part of the cache key): `file:` and the entry's tarsum, or `dir:` and the sorted
 * tarsums of everything in the directory, itself included (not the context's root), a
 * symlink counted as its target's.
 */
export async function contextChecksum(tree: SourceTree & { tarsum(e: ContextEntry, linkTo?: string): Promise<string> }, src: ResolvedSource): Promise<string> {
  if (src.entry.type !== 'dir') return `file:${await tree.tarsum(src.entry)}`;
  const sums: string[] = [];
  const firstNames = new Map<number, string>();
  const reader = (rel: string) => {
    const e = tree.lstat(rel);
    return e ? { symlink: e.type === 'symlink', target: e.linkTarget } : undefined;
  };
  const sum = async (entry: ContextEntry) => {
    let e = entry;
    // As dockerd: a symlink counts as what it points to inside the context, or as its own
    // path when that is missing.
    if (e.type === 'symlink') {
      let target: ContextEntry | undefined;
      try {
        const rel = resolveInScope(e.rel, reader, { strict: false, followLast: true, describe: e.rel });
        target = tree.lstat(rel);
      } catch {
        target = undefined;
      }
      if (!target) {
        sums.push(e.rel);
        return;
      }
      e = target;
    }
    let linkTo: string | undefined;
    if (e.type === 'file' && e.nlink > 1) {
      linkTo = firstNames.get(e.ino);
      if (linkTo === undefined) firstNames.set(e.ino, e.rel);
    }
    sums.push(await tree.tarsum(e, linkTo));
  };
  if (src.rel !== '') await sum(src.entry);
  const walk = async (dir: string): Promise<void> => {
    for (const n of tree.readdir(dir)) {
      const rel = dir === '' ? n : `${dir}/${n}`;
      const e = tree.lstat(rel);
      if (!e) continue;
      await sum(e);
      if (e.type === 'dir') await walk(rel);
    }
  };
  await walk(src.rel);
  return dirChecksum(sums);
}

/** Checksums the content of a resolved source; `owners`: include uid/gid (ownership kept). */
export async function sourceChecksum(tree: SourceTree, src: ResolvedSource, owners: boolean): Promise<string> {
  const h = createHash('sha256');
  const inodes = new Map<number, string>();
  const line = async (relInside: string, e: ContextEntry) => {
    let what: string;
    if (e.type === 'file') {
      const first = e.nlink > 1 ? inodes.get(e.ino) : undefined;
      if (first !== undefined) what = `hardlink ${first}`;
      else {
        if (e.nlink > 1) inodes.set(e.ino, relInside);
        what = await tree.fileDigest(e);
      }
    } else if (e.type === 'symlink') what = `symlink ${e.linkTarget ?? ''}`;
    else what = e.type;
    const owner = owners ? `${e.uid}:${e.gid}` : '';
    h.update(`${JSON.stringify(relInside)} ${e.type} ${e.mode.toString(8)} ${owner} ${what}\n`);
  };
  await line('', src.entry);
  if (src.entry.type === 'dir') {
    const walk = async (dir: string, inside: string): Promise<void> => {
      for (const n of tree.readdir(dir)) {
        const rel = dir === '' ? n : `${dir}/${n}`;
        const relInside = inside === '' ? n : `${inside}/${n}`;
        const e = tree.lstat(rel);
        if (!e) continue;
        await line(relInside, e);
        if (e.type === 'dir') await walk(rel, relInside);
      }
    };
    await walk(src.rel, '');
  }
  return `${src.entry.type === 'dir' ? 'dir' : 'file'}:${h.digest('hex')}`;
}
