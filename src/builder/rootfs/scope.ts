/**
 * @module builder/rootfs/scope
 * Path resolution inside a root, following symlinks as if the root were `/` (Docker's
 * FollowSymlinkInScope). Two policies:
 * - `scoped` (image file systems): `..` stops at the root and absolute link targets start
 *   from the root, so nothing ever leads outside;
 * - `strict` (the build context): a path or a symlink that leads outside the root, by `..` or
 *   by an absolute target, is an error rather than being silently clamped.
 */
import { InvalidArgument } from '../../errdefs/index.js';

/** What the resolver needs to know of a path (undefined: does not exist). */
export type LinkReader = (rel: string) => { symlink: boolean; target?: string } | undefined;

export class OutsideRootError extends InvalidArgument {}

const MAX_LINKS = 255;

/** Lexically cleans a `/`-separated path to root-relative components, or undefined if `..` climbs out. */
export function cleanRelative(path: string): string[] | undefined {
  const out: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(p);
  }
  return out;
}

/**
 * Resolves `path` (absolute or relative to the root) to a root-relative path with every
 * symlink followed (the last component too when `followLast`). Components that do not exist
 * are kept as they are.
 */
export function resolveInScope(
  path: string,
  read: LinkReader,
  opts: { strict: boolean; followLast: boolean; describe?: string },
): string {
  const fail = (resolved: string): never => {
    throw new OutsideRootError(`forbidden path outside the build context: ${opts.describe ?? path} (${resolved})`);
  };
  let pending = path.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '..') {
      if (done.length === 0) {
        if (opts.strict) fail('');
        continue;
      }
      done.pop();
      continue;
    }
    done.push(part);
    if (pending.length === 0 && !opts.followLast) break;
    const rel = done.join('/');
    const info = read(rel);
    if (!info?.symlink) continue;
    if (++links > MAX_LINKS) throw new InvalidArgument(`too many links resolving ${path}`);
    const target = info.target ?? '';
    done.pop();
    if (target.startsWith('/')) {
      if (opts.strict) fail(target);
      done.length = 0;
    } else if (opts.strict && cleanRelative([...done, target].join('/')) === undefined) {
      fail(target);
    }
    pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
  }
  return done.join('/');
}
