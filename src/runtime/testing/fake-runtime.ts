/**
 * @module runtime/testing/fake-runtime
 * A ContainerRuntime in memory, for unit tests of the engine without root, runc or a shim.
 * Processes are make-believe; what a command does is read from its argv:
 * - `exit N` or `sh -c "exit N"`: exits with status N as soon as it starts (`true`: 0,
 *   `false`: 1);
 * - `echo WORDS…`: writes the words and a newline to stdout, then exits 0;
 * - anything else runs until it is killed (status 128 + signal) or the test ends it with
 *   `exit(id, code)`.
 * A command in `missing` fails create/exec with CommandNotFound, one in `notRunnable` with
 * CommandNotRunnable. Every call is counted in `calls`, so tests can assert what the engine did.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Conflict, NotFound } from '../../errdefs/index.js';
import {
  CommandNotFound, CommandNotRunnable, ProcessGone, type AttachWants, type ContainerPaths, type ContainerRuntime, type CreateRequest,
  type CreatedProcess, type ExecProcess, type ExecRequest, type ExitStatus, type LayerStack, type LogRecord, type OutputFrame,
  type ProcessConnection, type ReadLogsOptions,
} from '../types.js';

type State = 'created' | 'running' | 'paused' | 'stopped';

/** One make-believe process (a container's or an exec's) and the connections to its monitor. */
class FakeProcess {
  readonly pid: number;
  readonly args: string[];
  state: State = 'created';
  status: ExitStatus | undefined;
  /** What connections wrote to its stdin. */
  stdin: Buffer[] = [];
  readonly #conns = new Set<FakeConnection>();
  readonly #log: LogRecord[];
  readonly #onExit: ((s: ExitStatus) => void) | undefined;

  constructor(pid: number, args: string[], log: LogRecord[], onExit?: (s: ExitStatus) => void) {
    this.pid = pid;
    this.args = args;
    this.#log = log;
    this.#onExit = onExit;
  }

  connect(wants: AttachWants): FakeConnection {
    const c = new FakeConnection(this, wants, () => this.#conns.delete(c));
    this.#conns.add(c);
    return c;
  }

  /** Runs what the argv says (on the next turn, as a real process runs after `start` returns). */
  run(): void {
    this.state = 'running';
    const shExit = this.args[0] === 'sh' && this.args[1] === '-c' ? /^exit (\d+)$/.exec(this.args[2] ?? '') : null;
    const [cmd, ...rest] = shExit ? ['exit', shExit[1]!] : this.args;
    setImmediate(() => {
      if (this.state !== 'running') return;
      if (cmd === 'exit' || cmd === 'true' || cmd === 'false') this.exit(cmd === 'exit' ? Number(rest[0] ?? 0) : cmd === 'true' ? 0 : 1);
      else if (cmd === 'echo') {
        this.write(1, Buffer.from(rest.join(' ') + '\n'));
        this.exit(0);
      }
    });
  }

  write(stream: 1 | 2, data: Buffer): void {
    const now = new Date();
    const ns = BigInt(now.getTime()) * 1_000_000n;
    this.#log.push({ stream: stream === 1 ? 'stdout' : 'stderr', log: data, time: now.toISOString(), timeNs: ns });
    for (const c of this.#conns) c.push({ stream, data });
  }

  exit(code: number, signal = 0): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.status = { exitCode: code, finishedAt: new Date().toISOString(), signal };
    // The monitor records the status before it tells its connections.
    this.#onExit?.(this.status);
    for (const c of [...this.#conns]) c.end(code);
  }
}

class FakeConnection implements ProcessConnection {
  readonly pid: number;
  readonly output: Readable;
  readonly exit: Promise<number | undefined>;
  readonly #proc: FakeProcess;
  readonly #wants: AttachWants;
  readonly #drop: () => void;
  #resolveExit!: (code: number | undefined) => void;
  #closed = false;
  /** Resize requests seen (rows × cols). */
  readonly sizes: [number, number][] = [];

  constructor(proc: FakeProcess, wants: AttachWants, drop: () => void) {
    this.pid = proc.pid;
    this.#proc = proc;
    this.#wants = wants;
    this.#drop = drop;
    this.output = new Readable({ objectMode: true, read: () => {} });
    this.exit = new Promise((r) => (this.#resolveExit = r));
  }

  push(f: OutputFrame): void {
    if (this.#closed) return;
    if ((f.stream === 1 && this.#wants.stdout) || (f.stream === 2 && this.#wants.stderr)) this.output.push(f);
  }

  end(code: number | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#drop();
    this.output.push(null);
    this.#resolveExit(code);
  }

  write(data: Buffer): boolean {
    this.#proc.stdin.push(data);
    return true;
  }

  async drained(): Promise<void> {}

  closeStdin(): void {}

  resize(rows: number, cols: number): void {
    this.sizes.push([rows, cols]);
  }

  close(): void {
    this.end(undefined);
  }
}

interface FakeContainer {
  id: string;
  dir: string;
  process: FakeProcess;
  /** runc still knows it (until cleanup). */
  known: boolean;
}

export class FakeRuntime implements ContainerRuntime {
  /** Commands that do not exist (CommandNotFound). */
  readonly missing = new Set<string>(['missing']);
  /** Commands that exist but cannot run (CommandNotRunnable). */
  readonly notRunnable = new Set<string>(['/etc']);
  /** How many times each method was called. */
  readonly calls = new Map<string, number>();
  /** When each container was started (ms since the epoch), in order. */
  readonly starts: { id: string; at: number }[] = [];
  /** Signals sent, in order. */
  readonly signals: { id: string; signal: number }[] = [];
  /** Exec processes by exec ID. */
  readonly execs = new Map<string, FakeProcess>();
  readonly #containers = new Map<string, FakeContainer>();
  readonly #statusByDir = new Map<string, ExitStatus>();
  readonly #logs = new Map<string, LogRecord[]>();
  readonly #mounted = new Set<string>();
  #nextPid = 1000;

  #count(name: string): void {
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
  }

  #get(id: string): FakeContainer {
    const c = this.#containers.get(id);
    if (!c || !c.known) throw new NotFound(`container ${id} does not exist`);
    return c;
  }

  #check(args: string[]): void {
    const cmd = args[0] ?? '';
    if (this.missing.has(cmd)) throw new CommandNotFound(`create failed: exec: "${cmd}": executable file not found in $PATH`, `exec: "${cmd}": executable file not found in $PATH`);
    if (this.notRunnable.has(cmd)) throw new CommandNotRunnable(`create failed: exec: "${cmd}": permission denied`, `exec: "${cmd}": permission denied`);
  }

  /** The container's process (its latest run). */
  process(id: string): FakeProcess | undefined {
    return this.#containers.get(id)?.process;
  }

  /** Ends a container's process with `code`, as if it exited by itself. */
  exit(id: string, code: number): void {
    this.#get(id).process.exit(code);
  }

  /** Whether a container's root is mounted (by create or mountRoot, until cleanup or unmountRoot). */
  mounted(id: string): boolean {
    return this.#mounted.has(id);
  }

  async create(req: CreateRequest): Promise<CreatedProcess> {
    this.#count('create');
    if (this.#containers.get(req.id)?.known) throw new Conflict(`container ${req.id} exists already`);
    this.#statusByDir.delete(req.dir);
    this.#mounted.add(req.id);
    try {
      if (req.prepare) {
        await mkdir(this.paths(req.dir, req.id).rootfs, { recursive: true });
        await req.prepare(this.paths(req.dir, req.id).rootfs);
      }
      this.#check(req.process.args);
    } catch (e) {
      this.#mounted.delete(req.id);
      throw e;
    }
    let log = this.#logs.get(req.id);
    if (!log) this.#logs.set(req.id, (log = []));
    const process = new FakeProcess(this.#nextPid++, req.process.args, log, (s) => this.#statusByDir.set(req.dir, s));
    this.#containers.set(req.id, { id: req.id, dir: req.dir, process, known: true });
    return { pid: process.pid, netnsPath: `/proc/${process.pid}/ns/net`, env: req.process.env ?? [], user: { uid: 0, gid: 0, additionalGids: [], home: '/root' } };
  }

  async start(id: string): Promise<void> {
    this.#count('start');
    const c = this.#get(id);
    if (c.process.state !== 'created') throw new Conflict(`container ${id} is not in the created state`);
    this.starts.push({ id, at: Date.now() });
    c.process.run();
  }

  async attach(id: string, wants: AttachWants): Promise<ProcessConnection> {
    this.#count('attach');
    const c = this.#containers.get(id);
    if (!c || c.process.state === 'stopped') throw new ProcessGone(`the container process is not running`);
    return c.process.connect(wants);
  }

  async kill(id: string, signal: number): Promise<void> {
    this.#count('kill');
    const c = this.#get(id);
    this.signals.push({ id, signal });
    if (c.process.state !== 'stopped') c.process.exit(128 + signal, signal);
  }

  async pause(id: string): Promise<void> {
    this.#count('pause');
    const c = this.#get(id);
    if (c.process.state !== 'running') throw new Conflict(`container ${id} is not running`);
    c.process.state = 'paused';
  }

  async resume(id: string): Promise<void> {
    this.#count('resume');
    const c = this.#get(id);
    if (c.process.state === 'paused') c.process.state = 'running';
  }

  async pids(id: string): Promise<number[]> {
    const c = this.#get(id);
    return c.process.state === 'stopped' ? [] : [c.process.pid];
  }

  async exitStatus(dir: string): Promise<ExitStatus | undefined> {
    return this.#statusByDir.get(dir);
  }

  async cleanup(id: string): Promise<void> {
    this.#count('cleanup');
    const c = this.#containers.get(id);
    if (c) c.known = false;
    this.#mounted.delete(id);
  }

  async exec(req: ExecRequest): Promise<ExecProcess> {
    this.#count('exec');
    const c = this.#get(req.containerId);
    if (c.process.state !== 'running') throw new Conflict(`container ${req.containerId} is not running`);
    this.#check(req.args);
    const p = new FakeProcess(this.#nextPid++, req.args, []);
    this.execs.set(req.execId, p);
    // With `attach`, the output waits for the first connection (as the shim holds it).
    if (req.attach) setImmediate(() => p.run());
    else p.run();
    return {
      pid: p.pid,
      attach: async (wants) => {
        if (p.state === 'stopped') throw new ProcessGone('the exec has ended');
        return p.connect(wants);
      },
      status: async () => p.status,
      remove: async () => {
        this.execs.delete(req.execId);
      },
    };
  }

  async state(id: string): Promise<State | undefined> {
    const c = this.#containers.get(id);
    return c?.known ? c.process.state : undefined;
  }

  async list(): Promise<string[]> {
    return [...this.#containers.values()].filter((c) => c.known).map((c) => c.id);
  }

  async oomKilled(): Promise<boolean> {
    return false;
  }

  cgroupPath(id: string): string {
    return `/fake/${id}`;
  }

  paths(dir: string, id: string): ContainerPaths {
    return {
      rootfs: join(dir, 'rootfs'), upper: join(dir, 'upper'), work: join(dir, 'work'), hosts: join(dir, 'hosts'),
      hostname: join(dir, 'hostname'), resolvConf: join(dir, 'resolv.conf'), log: join(dir, `${id}-json.log`),
    };
  }

  async mountRoot(id: string, dir: string, _layers: LayerStack): Promise<string> {
    const rootfs = this.paths(dir, id).rootfs;
    await mkdir(rootfs, { recursive: true });
    this.#mounted.add(id);
    return rootfs;
  }

  async unmountRoot(id: string): Promise<void> {
    this.#mounted.delete(id);
  }

  async *readLogs(id: string, _dir: string, opts: ReadLogsOptions = {}): AsyncIterable<LogRecord> {
    for (const r of this.#logs.get(id) ?? []) {
      if (r.stream === 'stdout' ? opts.stdout === false : opts.stderr === false) continue;
      yield r;
    }
  }
}
