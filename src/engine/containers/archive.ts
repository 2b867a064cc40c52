/**
 * @module engine/containers/archive
 * `docker cp` both ways and `export`: GET/HEAD /archive (a tar whose top entry is the path's
 * base name, and its stat in X-Docker-Container-Path-Stat), PUT /archive (a tar extracted by
 * the safe extractor, which never writes outside the target directory nor through symlinks).
 * Paths resolve as the container sees them: symlinks stay inside its root, and paths under a
 * volume or bind mount resolve to the mount's source. A stopped container's root is mounted
 * for the duration of the call.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { basename, dirname } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { PathStat } from '../../api/types/containers.js';
import { InvalidArgument, NotFound, SystemError } from '../../errdefs/index.js';
import { secureJoin } from '../../util/secure-join.js';
import { Extractor } from '../../util/tar/extract.js';
import { TarIngest } from '../../util/tar/ingest.js';
import type { ContainerContext } from './context.js';
import type { PlannedMount } from './mounts.js';
import type { ContainerRecord } from './record.js';

/** Go's os.FileMode bits for a stat mode. */
export function goFileMode(mode: number): number {
  const perm = mode & 0o777;
  let m = perm;
  const type = mode & 0o170000;
  if (type === 0o040000) m |= 2 ** 31;
  else if (type === 0o120000) m |= 2 ** 27;
  else if (type === 0o010000) m |= 2 ** 25;
  else if (type === 0o140000) m |= 2 ** 24;
  else if (type === 0o020000) m |= 2 ** 26 + 2 ** 21;
  else if (type === 0o060000) m |= 2 ** 26;
  if (mode & 0o4000) m |= 2 ** 23;
  if (mode & 0o2000) m |= 2 ** 22;
  if (mode & 0o1000) m |= 2 ** 20;
  return m >>> 0;
}

/** Runs `fn` with the container's root mounted (already, when it runs; for the call otherwise). */
async function withRoot<T>(ctx: ContainerContext, rec: ContainerRecord, fn: (rootfs: string) => Promise<T>): Promise<T> {
  const runtime = ctx.deps.runtime;
  const dir = ctx.store.dirOf(rec.ID);
  const rootfs = runtime.paths(dir, rec.ID).rootfs;
  if (rec.State.Running) return fn(rootfs);
  return ctx.locks.run(rec.ID, async () => {
    if (rec.State.Running) return fn(rootfs);
    const image = ctx.deps.imageById(rec.ImageID as `sha256:${string}`);
    if (!image) throw new SystemError(`the image of container ${rec.ID} no longer exists`);
    const mounted = await runtime.mountRoot(rec.ID, dir, { layersRoot: ctx.deps.layers.root, lowerLinks: ctx.deps.layers.lowerLinks(image.topChainId) });
    try {
      return await fn(mounted);
    } finally {
      await runtime.unmountRoot(rec.ID, dir);
    }
  });
}

/** The host path of a container path: inside a mount's source when under one, else in the root. */
async function hostPath(rec: ContainerRecord, rootfs: string, path: string, noFollowLast: boolean): Promise<string> {
  const clean = '/' + path.split('/').filter((p) => p && p !== '.').join('/');
  let best: PlannedMount | undefined;
  for (const m of rec.Mounts as PlannedMount[]) {
    if (m.Type === 'tmpfs' || !m.Source) continue;
    if (clean === m.Destination || clean.startsWith(m.Destination.replace(/\/$/, '') + '/')) {
      if (!best || m.Destination.length > best.Destination.length) best = m;
    }
  }
  if (best) return secureJoin(best.Source, clean.slice(best.Destination.length), { noFollowLast });
  return secureJoin(rootfs, clean, { noFollowLast });
}

async function statOf(abs: string, name: string): Promise<PathStat> {
  const st = await fs.lstat(abs);
  return {
    name,
    size: st.size,
    mode: goFileMode(st.mode),
    mtime: st.mtime.toISOString().replace(/\.000Z$/, 'Z'),
    linkTarget: st.isSymbolicLink() ? await fs.readlink(abs) : '',
  };
}

function notFound(path: string, rec: ContainerRecord): NotFound {
  return new NotFound(`Could not find the file ${path} in container ${rec.Name.slice(1)}`);
}

export function archiveOf(ctx: ContainerContext, ref: string, path: string, opts: { statOnly?: boolean }): Promise<{ stat: PathStat; tar?: Readable }> {
  const rec = ctx.store.resolve(ref);
  if (!path) throw new InvalidArgument('Path cannot be empty');
  const follow = path.endsWith('/') || path.endsWith('/.');
  // Resolves as soon as the stat is known; the root stays mounted until tar has finished.
  return new Promise((resolve, reject) => {
    withRoot(ctx, rec, async (rootfs) => {
      const abs = await hostPath(rec, rootfs, path, !follow);
      const name = basename(path.replace(/\/\.?$/, '')) || '/';
      let stat: PathStat;
      try {
        stat = await statOf(abs, name);
      } catch {
        throw notFound(path, rec);
      }
      if (opts.statOnly) return resolve({ stat });
      const base = basename(abs);
      const args = ['--numeric-owner', '--xattrs', '-C', dirname(abs), '-cf', '-', '--transform', `s|^${escapeSed(base)}|${escapeSed(name === '/' ? '.' : name)}|`, base];
      await runTar(args, (tar) => resolve({ stat, tar }));
    }).catch(reject);
  });
}

function escapeSed(s: string): string {
  return s.replace(/[|\\&.*^$[\]]/g, (c) => `\\${c}`);
}

/** Runs tar, handing its output stream over at once; resolves when tar has finished. */
function runTar(args: string[], give: (out: Readable) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const out = new PassThrough({ highWaterMark: 1 << 20 });
    child.stdout.pipe(out);
    out.on('close', () => child.stdout.destroy());
    give(out);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && !out.destroyed) out.destroy(new SystemError(`creating the archive: ${err.trim() || `tar exited with ${code}`}`));
      resolve();
    });
  });
}

export async function extractInto(ctx: ContainerContext, ref: string, path: string, tar: Readable, _opts: { noOverwriteDirNonDir?: boolean }): Promise<void> {
  const rec = ctx.store.resolve(ref);
  if (rec.HostConfig.ReadonlyRootfs) throw new InvalidArgument('container rootfs is marked read-only');
  await withRoot(ctx, rec, async (rootfs) => {
    const abs = await hostPath(rec, rootfs, path, false);
    let st;
    try {
      st = await fs.stat(abs);
    } catch {
      throw notFound(path, rec);
    }
    if (!st.isDirectory()) throw new InvalidArgument('extraction point is not a directory');
    const ex = new Extractor(abs, { whiteouts: 'literal' });
    const ingest = new TarIngest(ex);
    try {
      for await (const chunk of tar) {
        const w = ingest.write(chunk as Buffer);
        if (w) await w;
      }
      await ingest.end();
      ex.finish();
    } catch (e) {
      ingest.abort();
      ex.abort();
      throw e;
    }
  });
}

export function exportOf(ctx: ContainerContext, ref: string): Promise<Readable> {
  const rec = ctx.store.resolve(ref);
  return new Promise((resolve, reject) => {
    withRoot(ctx, rec, (rootfs) => runTar(['--numeric-owner', '--xattrs', '-C', rootfs, '-cf', '-', '.'], resolve)).catch(reject);
  });
}
