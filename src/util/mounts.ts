/**
 * @module util/mounts
 * Mounts left behind under a directory, and their removal: after a crash (kill -9 in the middle
 * of a build step, a container start, an import) overlay and bind mounts can stay below berth's
 * scratch directories, and `rm -rf` would walk into them (deleting what they show) and then fail
 * with EBUSY. Start-up recovery unmounts everything at or below a directory, deepest first,
 * lazily (MNT_DETACH) when a mount is busy, before it removes the directory.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { SystemError } from '../errdefs/index.js';
import { MNT_DETACH, native } from './native.js';

/** Undoes mountinfo's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash). */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * Mount points at or below `dir` in /proc/self/mountinfo text, in the order to unmount them:
 * deepest first, and of mounts stacked on one point, the later (upper) one first.
 */
export function mountsBelow(mountinfo: string, dir: string): string[] {
  const root = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
  const points: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const field = line.split(' ')[4];
    if (field === undefined) continue;
    const p = unescapeMountField(field);
    if (p === root || p.startsWith(root === '/' ? '/' : `${root}/`)) points.push(p);
  }
  const depth = (p: string) => p.split('/').filter(Boolean).length;
  return points
    .map((p, i) => ({ p, i }))
    .sort((a, b) => depth(b.p) - depth(a.p) || b.i - a.i)
    .map((x) => x.p);
}

/** Unmounts everything mounted at or below `dir` (which may not exist); returns how many. */
export function unmountBelow(dir: string): number {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return 0;
  }
  const points = mountsBelow(readFileSync('/proc/self/mountinfo', 'utf8'), real);
  let n = 0;
  for (const p of points) {
    try {
      native().umount2(p, 0);
      n++;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Gone already (a lazily detached parent takes its children along).
      if (code === 'EINVAL' || code === 'ENOENT') continue;
      if (code !== 'EBUSY') throw new SystemError(`unmounting ${p}: ${(e as Error).message}`, { cause: e });
      native().umount2(p, MNT_DETACH);
      n++;
    }
  }
  return n;
}

/** The mount `path` is on in mountinfo text (the deepest mount point above it), with its optional fields (`shared:N`, `master:N`). */
export function mountOf(mountinfo: string, path: string): { point: string; optional: string[] } | undefined {
  let best: { point: string; optional: string[] } | undefined;
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    const end = f.indexOf('-');
    if (f.length < 7 || end < 6) continue;
    const point = unescapeMountField(f[4]!);
    const under = point === '/' || path === point || path.startsWith(`${point}/`);
    if (under && (!best || point.length >= best.point.length)) best = { point, optional: f.slice(6, end) };
  }
  return best;
}
