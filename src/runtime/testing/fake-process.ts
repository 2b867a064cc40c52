/**
 * @module runtime/testing/fake-process
 * The make-believe processes of the fake runtime (fake-runtime.ts) and the connections to their
 * monitors: output goes to every connection that wants its stream and to the log; the exit
 * status is recorded before the connections learn it, as the shim does.
 */
import { Readable } from 'node:stream';
import type { AttachWants, ExitStatus, LogRecord, OutputFrame, ProcessConnection } from '../types.js';

export type State = 'created' | 'running' | 'paused' | 'stopped';

/** One make-believe process (a container's or an exec's) and the connections to its monitor. */
export class FakeProcess {
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

export class FakeConnection implements ProcessConnection {
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
