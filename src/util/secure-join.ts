/**
 * @module util/secure-join
 * Resolves a path inside a container's root file system on the host, following symlinks as the
 * container would see them (absolute targets and `..` never leave the root), so reading the
 * image's /etc/passwd or copying files never touches the host's own files.
 */
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgument } from '../errdefs/index.js';

const MAX_LINKS = 255;

/**
 * The host path of `path` (absolute in the container) under `root`. Components that do not
 * exist are kept as they are; a symlink as the last component is followed unless `noFollowLast`.
 */
export async function secureJoin(root: string, path: string, opts: { noFollowLast?: boolean } = {}): Promise<string> {
  let todo = path.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  while (todo.length) {
    const part = todo.shift()!;
    if (part === '..') {
      done.pop();
      continue;
    }
    const candidate = join(root, ...done, part);
    if (opts.noFollowLast && todo.length === 0) {
      done.push(part);
      break;
    }
    let isLink = false;
    try {
      isLink = (await lstat(candidate)).isSymbolicLink();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
    if (!isLink) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new InvalidArgument(`too many levels of symbolic links in ${path}`);
    const target = await readlink(candidate);
    if (target.startsWith('/')) done.length = 0;
    todo = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...todo];
  }
  return join(root, ...done);
}
