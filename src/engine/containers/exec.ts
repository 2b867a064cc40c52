/**
 * @module engine/containers/exec
 * Execs, as dockerd runs them: records in memory (exec-records.ts; create → start → inspect), each run under
 * its own shim inside a running container. An attached start streams until the process
 * ends; a failed start writes the runtime's error into the stream with Docker's text and
 * leaves exit status 126, whatever the cause (dockerd 20.10 does not tell a missing command
 * from a bad working directory or a file that cannot run).
 */
import { randomBytes } from 'node:crypto';
import type { ExecCreateRequest, ExecInspect } from '../../api/types/containers.js';
import { Conflict, InvalidArgument } from '../../errdefs/index.js';
import { ProcessCreateError, type ProcessConnection } from '../../runtime/types.js';
import { logger } from '../../util/log.js';
import type { ContainerContext } from './context.js';
import type { ExecRecord, ExecRecords } from './exec-records.js';
import { OutputWriter, pump } from './streams.js';
import type { ClientStreams, ExecService } from './types.js';
import { containerEvent } from './events.js';

const log = logger('exec');

export class DefaultExecService implements ExecService {
  readonly #ctx: Pick<ContainerContext, 'store' | 'deps'>;
  readonly #execs: ExecRecords;

  constructor(ctx: Pick<ContainerContext, 'store' | 'deps' | 'execs'>) {
    this.#ctx = ctx;
    this.#execs = ctx.execs;
  }

  #get(id: string): ExecRecord {
    return this.#execs.get(id);
  }

  async create(ref: string, req: ExecCreateRequest): Promise<{ Id: string }> {
    const rec = this.#ctx.store.resolve(ref);
    if (!rec.State.Running) throw new Conflict(`Container ${rec.ID} is not running`);
    if (rec.State.Paused) throw new Conflict(`Container ${ref} is paused, unpause the container before exec`);
    if (rec.State.Restarting) throw new Conflict(`Container ${rec.ID} is restarting, wait until the container is running`);
    if (!req.Cmd || req.Cmd.length === 0) throw new InvalidArgument('No exec command specified');
    const id = randomBytes(32).toString('hex');
    this.#execs.add({ id, containerId: rec.ID, config: { ...req }, running: false, started: false, exitCode: null, pid: 0 });
    containerEvent(this.#ctx, rec, `exec_create: ${req.Cmd.join(' ')}`, { execID: id });
    return { Id: id };
  }

  async start(id: string, opts: { detach: boolean; tty: boolean; consoleSize?: [number, number] }, connect?: () => ClientStreams): Promise<void> {
    const e = this.#get(id);
    if (e.started) throw new Conflict(`Error: Exec command ${id} has already run`);
    const rec = this.#ctx.store.get(e.containerId);
    if (!rec || !rec.State.Running) throw new Conflict(`Container ${e.containerId} is not running`);
    if (rec.State.Paused) throw new Conflict(`Container ${e.containerId} is paused, unpause the container before exec`);
    e.started = true;
    const c = e.config;
    const tty = !!c.Tty;
    const size = opts.consoleSize ?? c.ConsoleSize ?? undefined;
    const attached = !opts.detach && !!connect;
    const client = attached ? connect!() : undefined;
    try {
      e.process = await this.#ctx.deps.runtime.exec({
        containerId: e.containerId,
        containerDir: this.#ctx.store.dirOf(e.containerId),
        execId: id,
        args: c.Cmd!,
        env: c.Env ?? undefined,
        user: c.User || undefined,
        cwd: c.WorkingDir || undefined,
        tty,
        openStdin: !!c.AttachStdin && attached,
        privileged: !!c.Privileged,
        consoleSize: size && size[0] > 0 && size[1] > 0 ? { height: size[0], width: size[1] } : undefined,
        attach: attached,
      });
    } catch (err) {
      // A user that cannot be resolved fails the exec as the runtime's errors do, with its own words.
      if (!(err instanceof ProcessCreateError) && !(err instanceof InvalidArgument)) throw err;
      e.exitCode = 126;
      const message = err instanceof ProcessCreateError ? `OCI runtime exec failed: ${err.detail}: unknown` : err.message;
      if (!attached) throw new InvalidArgument(message, { cause: err });
      await new OutputWriter(client!.output, tty).write(1, Buffer.from(message + '\r\n'));
      client!.close();
      return;
    }
    e.running = true;
    containerEvent(this.#ctx, rec, `exec_start: ${c.Cmd!.join(' ')}`, { execID: id });
    e.pid = e.process.pid;
    if (!attached) {
      void this.#watch(e);
      return;
    }
    let conn: ProcessConnection;
    try {
      conn = await e.process.attach({ stdin: !!c.AttachStdin, stdout: c.AttachStdout !== false, stderr: c.AttachStderr !== false });
    } catch (err) {
      log.debug('exec attach failed', { id, error: String(err) });
      await this.#finish(e, undefined);
      client!.close();
      return;
    }
    e.monitor = conn;
    await pump(conn, client!, { tty, stdin: !!c.AttachStdin, stdinOnce: true, detachKeys: c.DetachKeys });
    const code = await conn.exit;
    await this.#finish(e, code);
    client!.close();
  }

  async #watch(e: ExecRecord): Promise<void> {
    try {
      e.monitor = await e.process!.attach({});
      await e.monitor.exit;
    } catch {
      /* already ended */
    }
    await this.#finish(e, undefined);
  }

  async #finish(e: ExecRecord, code: number | undefined): Promise<void> {
    const st = await e.process?.status().catch(() => undefined);
    e.exitCode = st?.exitCode ?? code ?? e.exitCode ?? 126;
    const wasRunning = e.running;
    e.running = false;
    e.monitor = undefined;
    await e.process?.remove().catch(() => {});
    const rec = this.#ctx.store.get(e.containerId);
    if (rec && wasRunning) containerEvent(this.#ctx, rec, 'exec_die', { execID: e.id, exitCode: String(e.exitCode) });
  }

  async resize(id: string, height: number, width: number): Promise<void> {
    const e = this.#get(id);
    if (!e.running) {
      if (e.started) return;
      throw new Conflict(`Exec ${id} is not running`);
    }
    if (e.monitor) e.monitor.resize(height, width);
    else {
      const m = await e.process!.attach({}).catch(() => undefined);
      m?.resize(height, width);
      m?.close();
    }
  }

  async inspect(id: string): Promise<ExecInspect> {
    const e = this.#get(id);
    const c = e.config;
    const cmd = c.Cmd ?? [];
    return {
      CanRemove: false,
      ContainerID: e.containerId,
      DetachKeys: c.DetachKeys ?? '',
      ExitCode: e.exitCode,
      ID: e.id,
      OpenStderr: !!c.AttachStderr,
      OpenStdin: !!c.AttachStdin,
      OpenStdout: !!c.AttachStdout,
      ProcessConfig: { arguments: cmd.slice(1), entrypoint: cmd[0] ?? '', privileged: !!c.Privileged, tty: !!c.Tty, ...(c.User ? { user: c.User } : {}) },
      Running: e.running,
      Pid: e.pid,
    };
  }
}
