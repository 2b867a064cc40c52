/**
 * @module runtime/runc
 * The runc driver: builds runc command lines and runs the short-lived runc commands (start,
 * kill, delete, state, pause, resume, ps, update). `runc create` and `runc exec -d` are run by
 * the shim (see shim/launch.ts), which must be their parent; this module only builds their argv.
 * Every container's state lives under one runc root (`<execRoot>/runc`).
 */
import { execFile } from 'node:child_process';
import { NotFound, SystemError } from '../errdefs/index.js';
import type { OciResources } from './spec/oci.js';
import { CommandNotFound, CommandNotRunnable, ProcessCreateError } from './types.js';

export interface RuncState {
  id: string;
  pid: number;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  bundle: string;
  created: string;
}

/** A runc failure, with runc's own message (the last error it logged). */
export class RuncError extends SystemError {
  readonly runcMessage: string;
  constructor(command: string, runcMessage: string, options?: { cause?: unknown }) {
    super(`runc ${command} failed: ${runcMessage}`, options);
    this.runcMessage = runcMessage;
  }
}

/** The error message in runc's output: the msg of the last JSON log line at level error, else the text. */
export function runcMessage(output: string): string {
  let msg = '';
  for (const line of output.split('\n')) {
    const l = line.trim();
    if (!l) continue;
    try {
      const j = JSON.parse(l) as { level?: string; msg?: string };
      if (j.level === 'error' && typeof j.msg === 'string') msg = j.msg;
    } catch {
      const m = /msg="((?:[^"\\]|\\.)*)"/.exec(l);
      msg = m ? m[1]!.replace(/\\"/g, '"') : l;
    }
  }
  return msg || output.trim();
}

/**
 * What kind of failure a runc create/exec error is, the way dockerd tells them apart (by runc's
 * text, the only thing runc gives): the command is missing (exit status 127), cannot be run
 * (126), or anything else.
 */
export function classifyRuncError(message: string): 'not-found' | 'permission' | 'other' {
  if (/executable file not found|no such file or directory/.test(message)) return 'not-found';
  if (/permission denied/.test(message)) return 'permission';
  return 'other';
}

/** The contract's typed error for a failed `runc create` / `runc exec` (`step`), from runc's message. */
export function processCreateError(step: string, runcMessage: string): ProcessCreateError {
  const message = `runc ${step} failed: ${runcMessage}`;
  switch (classifyRuncError(runcMessage)) {
    case 'not-found':
      return new CommandNotFound(message, runcMessage);
    case 'permission':
      return new CommandNotRunnable(message, runcMessage);
    default:
      return new ProcessCreateError(message, runcMessage);
  }
}

export class Runc {
  readonly binary: string;
  readonly root: string;

  constructor(opts: { root: string; binary?: string }) {
    this.root = opts.root;
    this.binary = opts.binary ?? 'runc';
  }

  /** argv for `runc create`, run by the shim. */
  createArgv(id: string, o: { bundle: string; pidFile: string; logFile: string; consoleSocket?: string }): string[] {
    const argv = [this.binary, '--root', this.root, '--log', o.logFile, '--log-format', 'json', 'create', '--bundle', o.bundle, '--pid-file', o.pidFile];
    if (o.consoleSocket) argv.push('--console-socket', o.consoleSocket);
    argv.push(id);
    return argv;
  }

  /** argv for `runc exec -d`, run by the shim. */
  execArgv(id: string, o: { processFile: string; pidFile: string; logFile: string; consoleSocket?: string }): string[] {
    const argv = [this.binary, '--root', this.root, '--log', o.logFile, '--log-format', 'json', 'exec', '-d', '--pid-file', o.pidFile, '--process', o.processFile];
    if (o.consoleSocket) argv.push('--console-socket', o.consoleSocket);
    argv.push(id);
    return argv;
  }

  #run(args: string[], input?: string): Promise<string> {
    const command = args[0]!;
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.binary,
        ['--root', this.root, '--log-format', 'json', ...args],
        { maxBuffer: 64 << 20 },
        (err, stdout, stderr) => {
          if (!err) return resolve(stdout);
          const msg = runcMessage(String(stderr)) || (err as Error).message;
          const e = new RuncError(command, msg, { cause: err });
          reject(msg === 'container does not exist' || /container .* does not exist/.test(msg) ? new NotFound(`runc: container ${args.at(-1)} does not exist`, { cause: e }) : e);
        },
      );
      if (input !== undefined) child.stdin!.end(input);
    });
  }

  async start(id: string): Promise<void> {
    await this.#run(['start', id]);
  }

  async kill(id: string, signal: number | string, opts: { all?: boolean } = {}): Promise<void> {
    await this.#run(['kill', ...(opts.all ? ['--all'] : []), id, String(signal)]);
  }

  async delete(id: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.#run(['delete', ...(opts.force ? ['--force'] : []), id]);
  }

  /** The container's state, or undefined when runc does not know it. */
  async state(id: string): Promise<RuncState | undefined> {
    try {
      return JSON.parse(await this.#run(['state', id])) as RuncState;
    } catch (e) {
      if (e instanceof NotFound) return undefined;
      throw e;
    }
  }

  async pause(id: string): Promise<void> {
    await this.#run(['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.#run(['resume', id]);
  }

  /** Host PIDs of the container's processes. */
  async ps(id: string): Promise<number[]> {
    const out = await this.#run(['ps', '--format', 'json', id]);
    return (JSON.parse(out || '[]') as number[] | null) ?? [];
  }

  async update(id: string, resources: OciResources): Promise<void> {
    await this.#run(['update', '--resources', '-', id], JSON.stringify(resources));
  }

  async list(): Promise<RuncState[]> {
    const out = await this.#run(['list', '--format', 'json']);
    return (JSON.parse(out || 'null') as RuncState[] | null) ?? [];
  }
}
