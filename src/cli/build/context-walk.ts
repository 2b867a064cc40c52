/**
 * @module cli/build/context-walk
 * Which files of a context directory are sent to the daemon, as the docker CLI decides: a
 * walk in name order that leaves out what `.dockerignore` excludes (entering an excluded
 * directory only when an exception may re-include something below it, without sending the
 * directory itself), keeps the Dockerfile and `.dockerignore` in any case (the daemon drops
 * them when excluded), never follows symlinks, marks later names of a hard-linked file as
 * links to the first, and skips sockets.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
// The matcher alone: the CLI does not need the rest of the frontend (parser) to send a context.
import { DockerIgnore } from '../../dockerfile/dockerignore.js';

export interface WalkEntry {
  /** Path inside the context, `/`-separated. */
  rel: string;
  abs: string;
  type: 'file' | 'dir' | 'symlink' | 'link' | 'fifo' | 'char' | 'block';
  stat: Stats;
  /** Symlink target, or the first path of a hard-linked file. */
  linkname: string;
}

function sortBytewise(names: string[]): string[] {
  if (names.every((n) => /^[\x00-\x7f]*$/.test(n))) return names.sort();
  return names.map((n) => ({ n, k: Buffer.from(n) })).sort((a, b) => Buffer.compare(a.k, b.k)).map((x) => x.n);
}

/** Reads `.dockerignore` of a context (none: nothing is excluded). */
export function readDockerignore(root: string): DockerIgnore | undefined {
  try {
    return DockerIgnore.fromText(readFileSync(join(root, '.dockerignore'), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Walks a context; `keep` are paths always sent (the Dockerfile, `.dockerignore`). */
export function walkContext(root: string, ignore: DockerIgnore | undefined, keep: readonly string[]): WalkEntry[] {
  const out: WalkEntry[] = [];
  const inodes = new Map<string, string>();
  const keepSet = new Set(keep);
  const visit = (dir: string, relDir: string) => {
    for (const name of sortBytewise(readdirSync(dir))) {
      const rel = relDir ? `${relDir}/${name}` : name;
      const abs = join(dir, name);
      let st: Stats;
      try {
        st = lstatSync(abs);
      } catch {
        continue;
      }
      const excluded = ignore !== undefined && !keepSet.has(rel) && ignore.excludes(rel);
      if (excluded) {
        if (st.isDirectory() && !ignore.canSkipDir(rel)) visit(abs, rel);
        continue;
      }
      let type: WalkEntry['type'];
      let linkname = '';
      if (st.isDirectory()) type = 'dir';
      else if (st.isSymbolicLink()) {
        type = 'symlink';
        linkname = readlinkSync(abs);
      } else if (st.isFile()) {
        type = 'file';
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          const first = inodes.get(key);
          if (first !== undefined) {
            type = 'link';
            linkname = first;
          } else inodes.set(key, rel);
        }
      } else if (st.isFIFO()) type = 'fifo';
      else if (st.isCharacterDevice()) type = 'char';
      else if (st.isBlockDevice()) type = 'block';
      else continue;
      out.push({ rel, abs, type, stat: st, linkname });
      if (type === 'dir') visit(abs, rel);
    }
  };
  visit(root, '');
  return out;
}
