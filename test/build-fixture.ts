/**
 * Test fixture for the builder's integration tests: a berthd with the local busybox base image,
 * build contexts written from a compact description, and a look at an image's files (its layers
 * extracted in order, whiteouts applied).
 */
import {
  chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, promises as fs, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { run, startDaemon, type RunResult, type TestDaemon } from './helpers/daemon.js';

export interface BuildDaemon {
  d: TestDaemon;
  /** The busybox image ID. */
  busybox: string;
  /** Runs `berth build` (classic output) in `dir`. */
  build(dir: string, args?: string[], opts?: { env?: NodeJS.ProcessEnv; input?: string | Buffer }): Promise<RunResult>;
  /** Runs `docker build` with the legacy builder against berthd. */
  dockerBuild(dir: string, args?: string[]): Promise<RunResult>;
  /** A build context written from `files` (see makeContext), removed by cleanup. */
  context(files: Record<string, FileSpec>): string;
  cleanup(): Promise<void>;
}

export async function buildDaemon(opts: { extraArgs?: string[] } = {}): Promise<BuildDaemon> {
  const d = await startDaemon(opts.extraArgs ? { extraArgs: opts.extraArgs } : {});
  const imp = await d.berth(['import', '-', 'busybox:latest'], { input: busyboxRootfsTar() });
  if (imp.code !== 0) throw new Error(`import busybox: ${imp.stderr}`);
  const contexts: string[] = [];
  return {
    d,
    busybox: imp.stdout.trim(),
    context: (files) => {
      const dir = makeContext(files);
      contexts.push(dir);
      return dir;
    },
    build: (dir, args = [], opts = {}) =>
      d.berth(['build', '--progress=classic', ...args, '.'], { cwd: dir, env: opts.env, input: opts.input, timeoutMs: 300_000 }),
    dockerBuild: (dir, args = []) => d.docker(['build', ...args, '.'], { cwd: dir, env: { DOCKER_BUILDKIT: '0' }, timeoutMs: 300_000 }),
    cleanup: async () => {
      await d.cleanup();
      for (const c of contexts) await fs.rm(c, { recursive: true, force: true });
    },
  };
}

export type FileSpec =
  | string
  | Buffer
  | { data: string | Buffer; mode?: number; mtime?: number }
  | { symlink: string }
  | { hardlink: string }
  | { dir: true; mode?: number };

/** Writes a context directory: path → content (string), or a spec. Parents are created. */
export function makeContext(files: Record<string, FileSpec>): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-build-ctx-'));
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Record<string, FileSpec>): void {
  for (const [rel, spec] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof spec === 'string' || Buffer.isBuffer(spec)) writeFileSync(p, spec);
    else if ('symlink' in spec) symlinkSync(spec.symlink, p);
    else if ('hardlink' in spec) linkSync(join(root, spec.hardlink), p);
    else if ('dir' in spec) {
      mkdirSync(p, { recursive: true });
      if (spec.mode !== undefined) chmodSync(p, spec.mode);
    } else {
      writeFileSync(p, spec.data);
      if (spec.mode !== undefined) chmodSync(p, spec.mode);
    }
  }
}

export interface FileInfo {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
  ino: number;
  nlink: number;
  content?: string;
  target?: string;
}

/** The files of an image: its layers (from `berth save`) extracted in order, whiteouts applied. */
export async function imageFiles(d: TestDaemon, image: string): Promise<Map<string, FileInfo>> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-build-img-'));
  try {
    const saved = await d.berth(['save', '-o', join(dir, 'img.tar'), image]);
    if (saved.code !== 0) throw new Error(`save: ${saved.stderr}`);
    await run('tar', ['-xf', join(dir, 'img.tar'), '-C', dir]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
    const rootfs = join(dir, 'rootfs');
    mkdirSync(rootfs);
    for (const layer of manifest[0]!.Layers) {
      const x = await run('tar', ['-xpf', join(dir, layer), '-C', rootfs, '--numeric-owner']);
      if (x.code !== 0) throw new Error(`tar: ${x.stderr}`);
      applyWhiteouts(rootfs);
    }
    const out = new Map<string, FileInfo>();
    const walk = (abs: string, rel: string) => {
      for (const name of readdirSync(abs)) {
        const p = join(abs, name);
        const r = rel ? `${rel}/${name}` : name;
        const st = lstatSync(p);
        const info: FileInfo = {
          type: st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'file',
          mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, ino: st.ino, nlink: st.nlink,
        };
        if (info.type === 'file' && st.size < 1 << 16) info.content = readFileSync(p, 'utf8');
        if (info.type === 'symlink') info.target = readlinkSync(p);
        out.set(`/${r}`, info);
        if (info.type === 'dir') walk(p, r);
      }
    };
    walk(rootfs, '');
    return out;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** AUFS whiteouts after a layer: `.wh.x` deletes x; `.wh..wh..opq` keeps only the layer's own entries (approximated: removes the marker). */
function applyWhiteouts(root: string): void {
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === '.wh..wh..opq') {
        rmSyncForce(p);
        continue;
      }
      if (name.startsWith('.wh.')) {
        rmSyncForce(join(dir, name.slice(4)));
        rmSyncForce(p);
        continue;
      }
      let isDir = false;
      try {
        isDir = lstatSync(p).isDirectory();
      } catch {
        continue; // removed by a whiteout met earlier in this directory
      }
      if (isDir) walk(p);
    }
  };
  walk(root);
}

function rmSyncForce(p: string): void {
  rmSync(p, { recursive: true, force: true });
}

/** The classic output with image/container IDs replaced by `<id>`. */
export function normalizeIds(text: string): string {
  return text.replace(/\b[0-9a-f]{12}\b/g, '<id>');
}

/** Image ID of a tag (full `sha256:…`). */
export async function imageId(d: TestDaemon, ref: string): Promise<string> {
  const r = await d.berth(['image', 'inspect', '--format', '{{.Id}}', ref]);
  if (r.code !== 0) throw new Error(`inspect ${ref}: ${r.stderr}`);
  return r.stdout.trim();
}

export async function inspectConfig(d: TestDaemon, ref: string): Promise<Record<string, unknown>> {
  // The daemon's JSON itself: a template's `json .Config` is the docker CLI's re-marshalled OCI config, empty fields left out.
  const r = await d.berth(['image', 'inspect', ref]);
  if (r.code !== 0) throw new Error(`inspect ${ref}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { Config: Record<string, unknown> }[])[0]!.Config;
}

/** `history --no-trunc` CREATED BY column, newest first. */
export async function historyCreatedBy(d: TestDaemon, ref: string): Promise<string[]> {
  const r = await d.berth(['history', '--no-trunc', '--format', '{{.CreatedBy}}', ref]);
  if (r.code !== 0) throw new Error(`history ${ref}: ${r.stderr}`);
  return r.stdout.trimEnd().split('\n');
}
