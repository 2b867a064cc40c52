/**
 * @module engine/containers/fs-changes
 * What a container changed in its file system (`docker diff`, GET /containers/{id}/changes),
 * read from its overlay upper directory against the layers below it (its init layer, then the
 * image's, top-most first), without mounting anything, so it works running or stopped.
 *
 * As dockerd reports them: a path the lower layers lack is added (A, and everything below
 * it); a whiteout is a deletion (D, only the path itself); a file whose mode, owner, size,
 * mtime or device differs is changed (C); a directory is changed when its mode or owner
 * differ or anything below it changed (so every parent of a change is listed, C). An opaque
 * directory deletes whatever the lower layers held in it that it does not hold again. Paths
 * come depth-first, each directory's names in byte order (dockerd's own order is random).
 * The init layer holds the runtime's mount points (/etc/hosts, /etc/hostname,
 * /etc/resolv.conf, /.dockerenv), so those never show, as with dockerd.
 */
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { native } from '../../util/native.js';

export const CHANGE_MODIFIED = 0;
export const CHANGE_ADDED = 1;
export const CHANGE_DELETED = 2;
export type ChangeKind = 0 | 1 | 2;

export interface FsChange {
  /** Absolute in the container (`/etc/foo`). */
  path: string;
  kind: ChangeKind;
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw e;
  }
}

function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

function isOpaque(abs: string): boolean {
  return native().lgetxattr(abs, 'trusted.overlay.opaque')?.toString() === 'y';
}

function sortBytewise(names: string[]): string[] {
  return names.map((n) => ({ n, k: Buffer.from(n) })).sort((a, b) => Buffer.compare(a.k, b.k)).map((x) => x.n);
}

/** The merged view of a stack of overlay lower directories (top-most first), read by hand. */
export class LowerView {
  readonly #layers: string[];

  constructor(layers: string[]) {
    this.#layers = layers;
  }

  /**
   * Walks `rel`'s ancestors in one layer: 'hidden' when one is a whiteout or not a directory
   * (nothing below shows), else whether all exist and whether one is opaque (the layers below
   * are hidden for this path).
   */
  #ancestors(layer: string, parts: string[]): 'hidden' | { present: boolean; opaque: boolean } {
    let opaque = false;
    for (let i = 1; i < parts.length; i++) {
      const abs = `${layer}/${parts.slice(0, i).join('/')}`;
      const st = lstatOrUndefined(abs);
      if (!st) return { present: false, opaque };
      if (isWhiteout(st) || !st.isDirectory()) return 'hidden';
      if (isOpaque(abs)) opaque = true;
    }
    return { present: true, opaque };
  }

  /** The stat of `rel` (no leading slash) as the merged lower view shows it, or undefined. */
  stat(rel: string): Stats | undefined {
    const parts = rel.split('/');
    for (const layer of this.#layers) {
      const a = this.#ancestors(layer, parts);
      if (a === 'hidden') return undefined;
      if (a.present) {
        const st = lstatOrUndefined(`${layer}/${rel}`);
        if (st) return isWhiteout(st) ? undefined : st;
      }
      if (a.opaque) return undefined;
    }
    return undefined;
  }

  /** The names in directory `rel` of the merged lower view. */
  names(rel: string): string[] {
    const parts = rel === '' ? [] : rel.split('/');
    const seen = new Set<string>();
    const hidden = new Set<string>();
    for (const layer of this.#layers) {
      const a = this.#ancestors(layer, [...parts, '']);
      if (a === 'hidden') break;
      if (a.present) {
        const dir = rel === '' ? layer : `${layer}/${rel}`;
        let entries: string[] | undefined;
        try {
          entries = readdirSync(dir);
        } catch (e) {
          if (!['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
        }
        if (entries === undefined) {
          // A file or a whiteout here hides the directory of the layers below.
          if (lstatOrUndefined(dir)) break;
          if (a.opaque) break;
          continue;
        }
        for (const n of entries) {
          if (seen.has(n) || hidden.has(n)) continue;
          const st = lstatOrUndefined(`${dir}/${n}`);
          if (!st) continue;
          if (isWhiteout(st)) hidden.add(n);
          else seen.add(n);
        }
        if (isOpaque(dir)) break;
      }
      if (a.opaque) break;
    }
    return [...seen];
  }
}

function sameMeta(a: Stats, b: Stats): boolean {
  return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && a.rdev === b.rdev;
}

function sameFile(a: Stats, b: Stats): boolean {
  return sameMeta(a, b) && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** The changes of an upper directory over the lower layers (top-most first). */
export function fsChanges(upper: string, lowers: string[]): FsChange[] {
  const lower = new LowerView(lowers);
  const out: FsChange[] = [];
  const added = (rel: string, abs: string, st: Stats) => {
    out.push({ path: `/${rel}`, kind: CHANGE_ADDED });
    if (!st.isDirectory()) return;
    for (const n of sortBytewise(readdirSync(abs))) {
      const cst = lstatSync(`${abs}/${n}`);
      if (!isWhiteout(cst)) added(`${rel}/${n}`, `${abs}/${n}`, cst);
    }
  };
  const walk = (rel: string) => {
    const dir = rel === '' ? upper : `${upper}/${rel}`;
    const names = readdirSync(dir);
    const deleted = new Set<string>();
    if (rel !== '' && isOpaque(dir)) {
      const here = new Set(names);
      for (const n of lower.names(rel)) if (!here.has(n)) deleted.add(n);
    }
    for (const n of sortBytewise([...names, ...deleted])) {
      const p = rel === '' ? n : `${rel}/${n}`;
      if (deleted.has(n)) {
        out.push({ path: `/${p}`, kind: CHANGE_DELETED });
        continue;
      }
      const abs = `${upper}/${p}`;
      const st = lstatSync(abs);
      const low = lower.stat(p);
      if (isWhiteout(st)) {
        if (low) out.push({ path: `/${p}`, kind: CHANGE_DELETED });
        continue;
      }
      if (!low) {
        added(p, abs, st);
        continue;
      }
      if (st.isDirectory() && low.isDirectory()) {
        const at = out.length;
        walk(p);
        if (out.length > at || !sameMeta(st, low)) out.splice(at, 0, { path: `/${p}`, kind: CHANGE_MODIFIED });
        continue;
      }
      if (st.isDirectory()) {
        // A directory in place of a file: changed, and all it holds is new.
        out.push({ path: `/${p}`, kind: CHANGE_MODIFIED });
        const at = out.length;
        added(p, abs, st);
        out.splice(at, 1);
        continue;
      }
      if (st.isDirectory() !== low.isDirectory() || !sameFile(st, low)) out.push({ path: `/${p}`, kind: CHANGE_MODIFIED });
    }
  };
  walk('');
  return out;
}
