/**
 * @module builder/mounts/prepare-mounts
 * The second half of `RUN --mount`, once the step's cache missed: each mount's host side made
 * ready as a plain {@link StepMount} for the runtime, and undone by `release()` after the step.
 *
 * - bind: the context files it shows (copied out, .dockerignore applied, so `rw` writes never
 *   reach the context), or a view of a stage or image (`rw`: an overlay whose writes are
 *   dropped);
 * - cache: an instance from the {@link CacheMountStore}, seeded from `from` when new; its
 *   root gets uid/gid/mode (default 0:0 0755);
 * - tmpfs: a tmpfs of `size`;
 * - secret: the client's bytes in a file on a tmpfs (/dev/shm), mode 0400 unless `mode`, bound
 *   read-only, and/or a variable for the process only (never in the image config);
 * - ssh: a socket that forwards each connection to the client's agent socket, mode 0600 unless
 *   `mode`; SSH_AUTH_SOCK names the first one.
 *
 * Mount points missing from the image are made in a *stub* directory stacked above the
 * image's layers (ancestors that exist are copied with their owner, mode and times), so the
 * runtime never creates them in the step's upper directory and they never land in the layer.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, promises as fs, utimesSync, writeFileSync, lchownSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgument, NotFound, SystemError, Unavailable } from '../../errdefs/index.js';
import { readOnlyView, writableView, type RootfsView } from '../rootfs/overlay.js';
import { resolveInScope } from '../rootfs/scope.js';
import type { StepContext } from '../solver/step-context.js';
import { copySource } from '../steps/copy-files.js';
import { dirLinkReader } from '../steps/view-reader.js';
import type { StepMount } from '../types.js';
import type { MountFrom, MountInput } from './mount-inputs.js';

export interface PreparedMounts {
  mounts: StepMount[];
  /** `K=V` for the process only (secrets with `env`, SSH_AUTH_SOCK). */
  env: string[];
  /** Names in `env` that hold secrets. */
  secretEnv: string[];
  /** The stub directory, when mount points had to be made. */
  extraLowers: string[];
  release(): Promise<void>;
}

function cpTree(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('cp', ['-a', '--', `${from}/.`, to], (err, _o, stderr) => (err ? reject(new SystemError(`cannot seed a cache mount: ${stderr.trim() || err.message}`)) : resolve())),
  );
}

/** A directory on a tmpfs for secrets (never the data root's disk when /dev/shm exists). */
function secretDir(fallback: string): string {
  try {
    return mkdtempSync('/dev/shm/berth-secrets-');
  } catch {
    return mkdtempSync(join(fallback, 'secrets-'));
  }
}

/** Forwards connections on a new socket to an ssh agent socket. */
async function agentProxy(dir: string, n: number, agent: string): Promise<{ path: string; server: Server }> {
  const path = join(dir, `agent.${n}`);
  const server = createServer((c) => {
    const up = createConnection(agent);
    c.pipe(up).pipe(c);
    const end = () => {
      c.destroy();
      up.destroy();
    };
    c.on('error', end);
    up.on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return { path, server };
}

/** Makes `rel` (and missing ancestors) in `stubs`, copying ancestors that exist in `view`. */
function makeStub(stubs: string, view: string, rel: string, file: boolean): void {
  const parts = rel.split('/');
  let cur = '';
  for (let i = 0; i < parts.length; i++) {
    cur = cur ? `${cur}/${parts[i]}` : parts[i]!;
    const dst = join(stubs, cur);
    const last = i === parts.length - 1;
    let st;
    try {
      st = lstatSync(join(view, cur));
    } catch {
      st = undefined;
    }
    if (existsSync(dst)) continue;
    if (last && file && !st) {
      writeFileSync(dst, '', { mode: 0o644 });
      continue;
    }
    mkdirSync(dst, { mode: 0o755 });
    if (st?.isDirectory()) {
      chmodSync(dst, st.mode & 0o7777);
      lchownSync(dst, st.uid, st.gid);
      utimesSync(dst, st.atime, st.mtime);
    }
  }
}

export async function prepareMounts(ctx: StepContext, inputs: readonly MountInput[], lowers: readonly string[]): Promise<PreparedMounts> {
  const run = ctx.run;
  const layers = run.backend.layers;
  const work = mkdtempSync(join(run.scratch, 'mounts-'));
  const undo: (() => Promise<void> | void)[] = [];
  const release = async () => {
    for (const u of undo.reverse()) await u();
    undo.length = 0;
    await fs.rm(work, { recursive: true, force: true });
  };
  const viewOf = (from: Extract<MountFrom, { kind: 'image' }>, rw: boolean): RootfsView => {
    const l = layers.lowerLinks(from.top);
    const v = rw ? writableView(layers.root, l, work) : readOnlyView(layers.root, l, work);
    undo.push(() => v.release());
    return v;
  };
  /** The host path of a `from` (a copy of context files, or a path in an image view). */
  const sourcePath = async (from: MountFrom, rw: boolean, n: number): Promise<string> => {
    if (from.kind === 'context') {
      const dir = join(work, `context-${n}`);
      mkdirSync(dir, { mode: 0o755 });
      if (from.src.entry.type === 'dir') {
        await copySource(run.context, from.src, dir, true, { identity: undefined });
        return dir;
      }
      await copySource(run.context, from.src, dir, true, { identity: undefined });
      return join(dir, from.src.name);
    }
    const view = viewOf(from, rw);
    const rel = resolveInScope(from.source, dirLinkReader(view.path), { strict: false, followLast: true });
    const p = rel ? join(view.path, rel) : view.path;
    if (!existsSync(p)) throw new NotFound(`failed to mount ${from.source}: no such file or directory in ${from.id ? from.id.slice(7, 19) : 'scratch'}`);
    return p;
  };
  try {
    const mounts: StepMount[] = [];
    const env: string[] = [];
    const secretEnv: string[] = [];
    let secrets: string | undefined;
    let sockets: string | undefined;
    let sshN = 0;
    const fileMounts = new WeakSet<StepMount>();
    const push = (mt: StepMount, file: boolean) => {
      mounts.push(mt);
      if (file) fileMounts.add(mt);
    };
    for (const [n, m] of inputs.entries()) {
      const s = m.spec;
      switch (s.type) {
        case 'bind': {
          const src = await sourcePath(m.from!, !s.readOnly, n);
          push({ type: 'bind', source: src, destination: m.target, readOnly: s.readOnly }, !lstatSync(src).isDirectory());
          break;
        }
        case 'tmpfs':
          mounts.push({ type: 'tmpfs', destination: m.target, ...(s.sizeLimit ? { size: s.sizeLimit } : {}) });
          break;
        case 'cache': {
          const store = run.backend.cacheMounts;
          if (!store) throw new Unavailable('cache mounts need a data root, which this build has not');
          const got = await store.acquire(m.id, s.sharing ?? 'shared');
          undo.push(() => got.release());
          if (got.fresh && m.from) await cpTree(await sourcePath(m.from, false, n), got.path);
          chownSync(got.path, s.uid ?? 0, s.gid ?? 0);
          chmodSync(got.path, s.mode ?? 0o755);
          mounts.push({ type: 'bind', source: got.path, destination: m.target, readOnly: s.readOnly });
          break;
        }
        case 'secret': {
          const data = run.options.secrets?.[m.id];
          if (data === undefined) {
            if (s.required) throw new InvalidArgument(`secret ${m.id}: not found`);
            break;
          }
          if (s.env) {
            env.push(`${s.env}=${data.toString('utf8')}`);
            secretEnv.push(s.env);
          }
          if (!m.target) break;
          if (!secrets) {
            const dir = secretDir(work);
            secrets = dir;
            undo.push(() => fs.rm(dir, { recursive: true, force: true }));
          }
          const file = join(secrets, `${n}`);
          writeFileSync(file, data, { mode: 0o600 });
          chownSync(file, s.uid ?? 0, s.gid ?? 0);
          chmodSync(file, s.mode ?? 0o400);
          push({ type: 'bind', source: file, destination: m.target, readOnly: true }, true);
          break;
        }
        case 'ssh': {
          const agent = run.options.ssh?.[m.id]?.[0];
          if (!agent) {
            if (s.required) throw new InvalidArgument(`no SSH key ${JSON.stringify(m.id)} forwarded from the client`);
            break;
          }
          if (!sockets) {
            const dir = mkdtempSync(join(tmpdir(), 'berth-ssh-'));
            sockets = dir;
            undo.push(() => fs.rm(dir, { recursive: true, force: true }));
          }
          const proxy = await agentProxy(sockets, sshN, agent);
          undo.push(() => new Promise<void>((r) => proxy.server.close(() => r())));
          chownSync(proxy.path, s.uid ?? 0, s.gid ?? 0);
          chmodSync(proxy.path, s.mode ?? 0o600);
          if (sshN === 0) env.push(`SSH_AUTH_SOCK=${m.target}`);
          sshN++;
          push({ type: 'bind', source: proxy.path, destination: m.target, readOnly: false }, true);
          break;
        }
      }
    }
    // Mount points: resolved in the image (symlinks followed), stubs for the missing ones.
    const extraLowers: string[] = [];
    if (mounts.length) {
      const view = readOnlyView(layers.root, lowers, work);
      try {
        const stubs = join(work, 'stubs');
        for (const mt of mounts) {
          const rel = resolveInScope(mt.destination, dirLinkReader(view.path), { strict: false, followLast: true });
          mt.destination = `/${rel}`;
          if (rel === '' || existsSync(join(view.path, rel))) continue;
          if (!extraLowers.length) {
            mkdirSync(stubs, { mode: 0o755 });
            extraLowers.push(stubs);
          }
          makeStub(stubs, view.path, rel, fileMounts.has(mt));
        }
      } finally {
        await view.release();
      }
      // Outer mounts first.
      mounts.sort((a, b) => a.destination.split('/').length - b.destination.split('/').length);
    }
    return { mounts, env, secretEnv, extraLowers, release };
  } catch (e) {
    await release();
    throw e;
  }
}
