/**
 * @module engine/containers/step-runner
 * The builder's entry point into containers (build/types.ts StepRunner): an intermediate
 * container for one RUN step, created from a layer stack (not an image name) with the step's
 * command, environment, working directory, user and network. It is a real container record
 * while it exists (visible in `ps -a`), runs once with its output streamed to the builder,
 * and hands its overlay upper directory over to become the step's layer.
 *
 *   const c = await runner.create(spec);        // record only
 *   const code = await c.run(out, signal);       // mount, run, stream, unmount
 *   const upper = await c.takeUpperDir();         // moved out; registerDir() it
 *   await c.remove();
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunSpec, StepContainer, StepRunner } from '../../build/types.js';
import { InvalidArgument } from '../../errdefs/index.js';
import { RuncError } from '../../runtime/runc.js';
import type { OciMount, ShimConnection } from '../../runtime/types.js';
import { newContainerId } from './container-service.js';
import type { ContainerContext } from './context.js';
import { removeStopped } from './exit.js';
import { generateName } from './names.js';
import { initialState, nowRfc3339Nano, type ContainerRecord } from './record.js';
import { startFailure } from './start.js';

export class ContainerStepRunner implements StepRunner {
  readonly #ctx: ContainerContext;

  constructor(ctx: ContainerContext) {
    this.#ctx = ctx;
  }

  async create(spec: RunSpec): Promise<StepContainer> {
    const ctx = this.#ctx;
    const id = newContainerId();
    let name = generateName();
    for (let i = 0; ctx.store.nameTaken(name); i++) name = generateName(i);
    const cfg = spec.config as unknown as ContainerRecord['Config'];
    const rec: ContainerRecord = {
      ID: id,
      Name: `/${name}`,
      Created: nowRfc3339Nano(),
      Path: spec.argv[0] ?? '',
      Args: spec.argv.slice(1),
      Config: { ...cfg, Hostname: id.slice(0, 12), Image: spec.imageId, Labels: cfg.Labels ?? {}, Env: spec.env, Cmd: spec.argv, Entrypoint: null },
      HostConfig: { NetworkMode: spec.networkMode || 'default', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, LogConfig: { Type: 'json-file', Config: {} }, ExtraHosts: spec.extraHosts },
      ImageID: spec.imageId,
      State: initialState(),
      RestartCount: 0,
      Mounts: [],
    };
    ctx.store.reserveName(name, id);
    await ctx.save(rec);
    return new StepContainerImpl(ctx, rec, spec);
  }
}

class StepContainerImpl implements StepContainer {
  readonly id: string;
  readonly #ctx: ContainerContext;
  readonly #rec: ContainerRecord;
  readonly #spec: RunSpec;

  constructor(ctx: ContainerContext, rec: ContainerRecord, spec: RunSpec) {
    this.#ctx = ctx;
    this.#rec = rec;
    this.#spec = spec;
    this.id = rec.ID;
  }

  async run(out: { stdout(b: Buffer): void; stderr(b: Buffer): void }, signal: AbortSignal): Promise<number> {
    const ctx = this.#ctx;
    const rec = this.#rec;
    const spec = this.#spec;
    const dir = ctx.dirOf(rec.ID);
    const mounts: OciMount[] = spec.volumes.map((v) => ({ destination: v, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev'] }));
    if (spec.files.length) {
      const filesDir = join(dir, 'step-files');
      await fs.mkdir(filesDir, { recursive: true });
      for (const [i, f] of spec.files.entries()) {
        const p = join(filesDir, String(i));
        await fs.writeFile(p, f.data, { mode: f.mode });
        await fs.chmod(p, f.mode);
        mounts.push({ destination: f.path, type: 'bind', source: p, options: ['rbind', 'ro'] });
      }
    }
    const runtime = ctx.deps.runtime;
    try {
      await runtime.create({
        id: rec.ID,
        dir,
        layers: { layersRoot: ctx.deps.layers.root, lowerLinks: ctx.deps.layers.lowerLinks(spec.topChainId) },
        process: { args: spec.argv, env: spec.env, cwd: spec.workingDir, user: spec.user, tty: false, openStdin: false },
        host: {
          hostname: rec.ID.slice(0, 12),
          network: { mode: spec.networkMode === 'host' ? 'host' : 'none' },
          extraHosts: spec.extraHosts,
          mounts,
          log: false,
        },
      });
    } catch (e) {
      if (e instanceof RuncError) throw startFailure(e).error;
      throw e;
    }
    let conn: ShimConnection;
    try {
      conn = await runtime.attach(rec.ID, { stdout: true, stderr: true });
      rec.State = { ...rec.State, Status: 'running', Running: true, StartedAt: nowRfc3339Nano() };
      await runtime.start(rec.ID);
    } catch (e) {
      await runtime.kill(rec.ID, 9, { all: true }).catch(() => {});
      await runtime.cleanup(rec.ID, dir).catch(() => {});
      rec.State = { ...rec.State, Status: 'exited', Running: false, ExitCode: 128 };
      throw e;
    }
    const onAbort = () => void runtime.kill(rec.ID, 9, { all: true }).catch(() => {});
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const f of conn.output as AsyncIterable<{ stream: 1 | 2; data: Buffer }>) {
        if (f.stream === 2) out.stderr(f.data);
        else out.stdout(f.data);
      }
      const code = (await runtime.exitStatus(dir))?.exitCode ?? (await conn.exit) ?? 255;
      rec.State = { ...rec.State, Status: 'exited', Running: false, ExitCode: code, FinishedAt: nowRfc3339Nano() };
      return code;
    } finally {
      signal.removeEventListener('abort', onAbort);
      await runtime.cleanup(rec.ID, dir).catch(() => {});
      await ctx.save(rec).catch(() => {});
    }
  }

  async takeUpperDir(): Promise<string> {
    const dir = this.#ctx.dirOf(this.#rec.ID);
    if (this.#rec.State.Running) throw new InvalidArgument('the step container is still running');
    const tmp = join(dirname(this.#ctx.store.root), 'tmp');
    await fs.mkdir(tmp, { recursive: true });
    const dest = join(tmp, `step-upper-${randomBytes(8).toString('hex')}`);
    await fs.rename(join(dir, 'upper'), dest);
    await fs.mkdir(join(dir, 'upper'));
    return dest;
  }

  async remove(): Promise<void> {
    const ctx = this.#ctx;
    if (this.#rec.State.Running) await ctx.deps.runtime.kill(this.#rec.ID, 9, { all: true }).catch(() => {});
    if (!ctx.store.get(this.#rec.ID)) return;
    await ctx.lock(this.#rec.ID, () => removeStopped(ctx, this.#rec, {}));
  }
}
