/**
 * @module engine/build/runtime-runner
 * RUN steps on berth's container runtime (runc under berth-shim), in the build's own runc and
 * shim roots: an intermediate container per step on an overlay of the image's layers, its
 * output streamed, its exit status returned, its upper directory handed over as the new layer.
 *
 * Docker's RUN semantics kept here: a step joins the default `bridge` network, as a container
 * does (through {@link StepNetworking}, given by daemon/wire), unless the build says
 * `--network none|host`; no json-file log; an *init layer* (as Docker's `-init` layer)
 * holds the mount points runc needs (/etc/hosts, /etc/hostname, /etc/resolv.conf, /dev, /proc,
 * /sys, /.dockerenv), so they never land in the step's layer; each VOLUME path gets a fresh
 * directory holding a copy of the image's content there (as Docker fills a new volume), so the
 * command's writes below it are dropped while the mount point stays in the layer.
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdirSync, promises as fs, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readOnlyView } from '../../builder/rootfs/overlay.js';
import type { KeptContainer, RunSpec, StepContainer, StepMount, StepRunner } from '../../builder/types.js';
import { Cancelled, SystemError } from '../../errdefs/index.js';
import type { LayerReader } from '../../store/layers/types.js';
import { ProcessCreateError, type ContainerFileAccess, type HostSettings, type OciMount, type ProcessRuntime } from '../../runtime/types.js';
import { logger } from '../../util/log.js';
import { writeFileAtomic } from '../../util/atomic.js';

const log = logger('build');

/**
 * A RUN step's presence on the default network: `join` before its process is created (a
 * namespace of its own on `bridge`, with an address and the resolvers a container there gets),
 * `leave` once the process has ended (idempotent).
 */
export interface StepNetworking {
  join(stepId: string): Promise<{ netnsPath: string; addresses: string[]; nameservers?: string[] }>;
  leave(stepId: string): Promise<void>;
}

/** The step joins the default network: the build gave no `--network`, or `default`/`bridge`. */
function onDefaultNetwork(mode: string): boolean {
  return mode === '' || mode === 'default' || mode === 'bridge';
}

/** Makes the init layer: the mount points of a container, outside its own layer. */
function makeInitLayer(dir: string): string {
  const init = join(dir, 'init');
  rmSync(init, { recursive: true, force: true });
  for (const d of ['etc', 'dev', 'proc', 'sys']) mkdirSync(join(init, d), { recursive: true, mode: 0o755 });
  for (const f of ['etc/hosts', 'etc/hostname', 'etc/resolv.conf', '.dockerenv']) writeFileSync(join(init, f), '', { mode: f === '.dockerenv' ? 0o755 : 0o644 });
  return init;
}

/** A directory for each VOLUME, filled with the image's content at that path. */
async function volumeMounts(dir: string, view: string | undefined, volumes: readonly string[]): Promise<OciMount[]> {
  const out: OciMount[] = [];
  let n = 0;
  for (const v of volumes) {
    const rel = v.replace(/^\/+/, '').replace(/\/+$/, '');
    if (!rel || rel.split('/').includes('..')) continue;
    const src = join(dir, 'volumes', String(n++));
    mkdirSync(src, { recursive: true, mode: 0o755 });
    if (view) {
      const from = join(view, rel);
      try {
        if ((await fs.lstat(from)).isDirectory()) await copyTree(from, src);
      } catch {
        /* not in the image */
      }
    }
    out.push({ destination: `/${rel}`, type: 'bind', source: src, options: ['rbind', 'rw'] });
  }
  return out;
}

function copyTree(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('cp', ['-a', `${from}/.`, to], (err, _o, stderr) => (err ? reject(new SystemError(`cannot fill a volume: ${stderr.trim() || err.message}`)) : resolve())),
  );
}

/** Removes secret variables from a kept container's bundle (config.json's process.env). */
async function scrubEnv(configPath: string, names: readonly string[]): Promise<void> {
  try {
    const spec = JSON.parse(await fs.readFile(configPath, 'utf8')) as { process?: { env?: string[] } };
    if (spec.process?.env) spec.process.env = spec.process.env.filter((kv) => !names.includes(kv.slice(0, kv.indexOf('='))));
    await writeFileAtomic(configPath, JSON.stringify(spec));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** A `RUN --mount` as an OCI mount. */
function ociMountOf(m: StepMount): OciMount {
  if (m.type === 'tmpfs') return { destination: m.destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', ...(m.size ? [`size=${m.size}`] : [])] };
  return { destination: m.destination, type: 'bind', source: m.source, options: ['rbind', m.readOnly ? 'ro' : 'rw'] };
}

/** Where kept containers go (the container engine adopts them). */
export type ContainerKeeper = (c: KeptContainer) => Promise<void>;

export class RuntimeStepRunner implements StepRunner {
  readonly #keeper: ContainerKeeper | undefined;
  readonly #networking: StepNetworking | undefined;
  readonly #runtime: ProcessRuntime & Pick<ContainerFileAccess, 'paths'>;
  readonly #layers: LayerReader;
  readonly #dir: string;
  readonly #scratch: string;
  #init: string | undefined;

  /**
   * @param dir where step containers live (on the data root's file system)
   * @param scratch a directory for temporary image views
   * @param keeper where kept containers go; without one they are removed
   * @param networking the default network; without it steps use the host's network
   */
  constructor(
    runtime: ProcessRuntime & Pick<ContainerFileAccess, 'paths'>, layers: LayerReader, dir: string, scratch: string, keeper?: ContainerKeeper, networking?: StepNetworking,
  ) {
    this.#keeper = keeper;
    this.#networking = networking;
    this.#runtime = runtime;
    this.#layers = layers;
    this.#dir = dir;
    this.#scratch = scratch;
  }

  async keepUnstarted(c: KeptContainer): Promise<void> {
    await this.#keeper?.(c);
  }

  async create(spec: RunSpec): Promise<StepContainer> {
    const id = randomBytes(32).toString('hex');
    const dir = join(this.#dir, id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const files = this.#runtime.paths(dir, id);
    const mounts: OciMount[] = [];
    if (spec.files.length) {
      const pipes = join(dir, 'pipes');
      mkdirSync(pipes);
      for (const f of spec.files) writeFileSync(join(pipes, f.path.split('/').pop()!), f.data, { mode: f.mode });
      mounts.push({ destination: '/dev/pipes', type: 'bind', source: pipes, options: ['rbind', 'ro'] });
    }
    const runtime = this.#runtime;
    const networking = this.#networking;
    const layers = this.#layers;
    const lowers = layers.lowerLinks(spec.topChainId);
    if (spec.volumes.length) {
      const view = readOnlyView(layers.root, lowers, this.#scratch);
      try {
        mounts.push(...(await volumeMounts(dir, view.path, spec.volumes)));
      } finally {
        await view.release();
      }
    }
    mounts.push(...(spec.mounts ?? []).map(ociMountOf));
    this.#init ??= makeInitLayer(this.#dir);
    const init = this.#init;
    let removed = false;
    let startedAt: string | undefined;
    let finishedAt: string | undefined;
    let exitCode: number | undefined;
    const container: StepContainer = {
      id,
      run: async (out, signal) => {
        if (signal.aborted) throw new Cancelled('Build cancelled');
        const mode = spec.networkMode === 'none' || spec.networkMode === 'host' ? spec.networkMode : networking && onDefaultNetwork(spec.networkMode) ? 'bridge' : 'host';
        // As dockerd: on the host's network the step sees the host's name (which the host's
        // /etc/hosts, copied in, resolves); otherwise its own short ID.
        const host: HostSettings = { hostname: mode === 'host' ? hostname() : id.slice(0, 12), network: { mode: mode === 'none' ? 'none' : 'host' }, extraHosts: spec.extraHosts, mounts, log: false };
        if (spec.privileged) host.privileged = true;
        if (mode === 'bridge') {
          const joined = await networking!.join(id);
          host.network = { mode: 'path', path: joined.netnsPath };
          host.addresses = joined.addresses;
          if (joined.nameservers) host.dns = joined.nameservers;
        }
        try {
          await runtime.create({
            id,
            dir,
            layers: { layersRoot: layers.root, lowerLinks: [init, ...(spec.extraLowers ?? []), ...lowers] },
            process: { args: spec.argv, env: spec.env, cwd: spec.workingDir, user: spec.user, tty: false, openStdin: false },
            host,
          });
        } catch (e) {
          if (mode === 'bridge') await networking!.leave(id).catch((err) => log.warn('releasing the network of a build container', { id, error: String(err) }));
          // In dockerd's words, as a container's start failure (containers/start.ts).
          if (e instanceof ProcessCreateError) throw new SystemError(`failed to create shim task: OCI runtime create failed: ${e.detail}: unknown`, { cause: e });
          throw e;
        }
        const onAbort = () => void runtime.kill(id, 9).catch(() => {});
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          // With the host's network the runtime copies the host's /etc/hosts; --add-host entries
          // still belong in it, as Docker appends them.
          if (mode === 'host' && spec.extraHosts.length) {
            await fs.appendFile(files.hosts, spec.extraHosts.map((h) => `${h.slice(h.indexOf(':') + 1)}\t${h.slice(0, h.indexOf(':'))}\n`).join(''));
          }
          const conn = await runtime.attach(id, { stdout: true, stderr: true }, signal);
          await runtime.start(id);
          startedAt = new Date().toISOString();
          for await (const f of conn.output) {
            if (f.stream === 2) out.stderr(f.data);
            else out.stdout(f.data);
          }
          let code = await conn.exit;
          const status = await runtime.exitStatus(dir);
          if (code === undefined) code = status?.exitCode;
          exitCode = code;
          finishedAt = status?.finishedAt ?? new Date().toISOString();
          if (signal.aborted) throw new Cancelled('Build cancelled');
          if (code === undefined) throw new SystemError(`the RUN container ${id.slice(0, 12)} ended without an exit status`);
          return code;
        } finally {
          signal.removeEventListener('abort', onAbort);
          // The process has ended: forget it in runc and unmount its root, also when the
          // container is kept after a failure (its files stay in its directory).
          await runtime.cleanup(id, dir).catch((e) => log.warn('cleanup of a build container failed', { id, error: String(e) }));
          if (mode === 'bridge') await networking!.leave(id).catch((e) => log.warn('releasing the network of a build container', { id, error: String(e) }));
        }
      },
      takeUpperDir: async () => {
        const moved = join(this.#dir, `upper-${id}`);
        await fs.rename(files.upper, moved);
        await fs.mkdir(files.upper);
        return moved;
      },
      remove: async () => {
        if (removed) return;
        removed = true;
        await fs.rm(dir, { recursive: true, force: true });
        await fs.rm(join(this.#dir, `upper-${id}`), { recursive: true, force: true });
      },
      keep: async () => {
        if (removed) return;
        await fs.rm(join(this.#dir, `upper-${id}`), { recursive: true, force: true });
        if (spec.secretEnv?.length) await scrubEnv(join(dir, 'config.json'), spec.secretEnv);
        if (!this.#keeper) return container.remove();
        removed = true;
        await this.#keeper({ id, imageId: spec.imageId, config: spec.config, ran: { argv: spec.argv, exitCode, startedAt, finishedAt, dir } });
      },
    };
    return container;
  }
}
