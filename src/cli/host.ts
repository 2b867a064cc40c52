/**
 * @module cli/host
 * The CLI host: one long-lived Node.js process per user that runs berth commands for the
 * launcher (native/berth-main.c, installed as `berth`), so a command does not pay for starting
 * Node.js and loading the CLI (60-100 ms) each time. Usage: `node host.js SOCKET_DIR`.
 *
 * Each connection is one command: the launcher's working directory, arguments, environment and
 * its stdin/stdout/stderr as file descriptors. The command runs on streams made from those
 * descriptors (a terminal stays a terminal), with its own API client (on connections to the
 * daemon the host keeps open between commands); signals the launcher
 * forwards go to the command's handlers, and a signal it does not handle ends it the way it
 * would end a process of its own. When the command returns, its descriptors are closed and the
 * status goes back to the launcher.
 *
 * The host declines a command (the launcher then runs it in a Node.js process of its own) when
 * the build stamp changed since the host started (it then retires), or the caller's TZ or umask
 * (which the launcher puts in BERTH_CLI_UMASK) differs from the host's. It exits after BERTH_CLI_IDLE_SECONDS (default 600) without commands.
 */
import { EventEmitter } from 'node:events';
import { Agent } from 'node:http';
import { closeSync, createReadStream, fstatSync, readFileSync, realpathSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { connect as netConnect, createServer, Socket, type Server } from 'node:net';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import { isatty, ReadStream as TtyReadStream, WriteStream as TtyWriteStream } from 'node:tty';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { native, nativeBuildDir } from '../util/native.js';
import { runCli } from './cli.js';
import type { CliIO } from './command.js';

const PROTOCOL = 'berth-cli/1';
/** The launcher's umask, in octal (its environment carries it; the command never sees it). */
const UMASK_VAR = 'BERTH_CLI_UMASK';

/** This process's umask, from /proc (process.umask() without an argument is deprecated). */
function ownUmask(): number {
  const m = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number.parseInt(m[1]!, 8) : 0o022;
}
const IGNORED_BY_DEFAULT = new Set<NodeJS.Signals>(['SIGWINCH', 'SIGCHLD', 'SIGURG', 'SIGCONT']);

/**
 * Connections to daemons, kept open between commands: a command's requests skip the connect
 * and the daemon's accept. An idle one is dropped after 4 s, before berthd would close it (5 s,
 * which its Keep-Alive header says; Node.js drops it a second early by that hint too).
 */
const daemonAgent = new Agent({ keepAlive: true, timeout: 4_000, maxFreeSockets: 4 });

/** A parsed command message. */
export interface CommandMessage {
  cwd: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
}

/** Parses the launcher's message: "berth-cli/1\0" CWD "\0" ARGC "\0" ARG... ENVC "\0" VAR=VALUE... */
export function parseCommandMessage(data: Buffer): CommandMessage {
  const parts = data.toString('utf8').split('\0');
  let i = 0;
  const next = () => {
    if (i >= parts.length) throw new Error('truncated command message');
    return parts[i++]!;
  };
  if (next() !== PROTOCOL) throw new Error('not a berth-cli/1 command message');
  const cwd = next();
  const argc = Number(next());
  if (!Number.isInteger(argc) || argc < 0) throw new Error('bad argument count');
  const argv = Array.from({ length: argc }, next);
  const envc = Number(next());
  if (!Number.isInteger(envc) || envc < 0) throw new Error('bad environment count');
  const env: NodeJS.ProcessEnv = {};
  for (let k = 0; k < envc; k++) {
    const kv = next();
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return { cwd, argv, env };
}

/** Closes descriptors the host no longer needs, ignoring ones already gone. */
function closeFds(fds: number[]): void {
  for (const f of fds) {
    try {
      closeSync(f);
    } catch {
      /* already closed */
    }
  }
}

/**
 * libuv opens a terminal anew for a TTY stream (its own open file description, which it can make
 * non-blocking without touching the caller's) and leaves the received descriptor open as a
 * duplicate of the new one: close that, or every command on a terminal would leak it. Returns
 * whether the stream's descriptor is the host's own.
 */
function adoptTty(s: TtyReadStream | TtyWriteStream, fd: number): boolean {
  const own = (s as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof own !== 'number' || own < 0 || own === fd) return false;
  closeSync(fd);
  return true;
}

/** A writable stream on a received descriptor, of the kind Node.js would make for process.stdout. */
function writableOn(fd: number): NodeJS.WriteStream {
  if (isatty(fd)) {
    const s = new TtyWriteStream(fd);
    // Node.js makes terminal writes blocking; in the host a terminal that stops reading (XOFF, a
    // suspended pager) would then stop every other command. Non-blocking writes queue instead,
    // and the stream's backpressure holds the writer. (When libuv could not open the terminal
    // anew its writes stay blocking: the descriptor is shared with the caller.)
    if (adoptTty(s, fd)) (s as unknown as { _handle: { setBlocking(b: boolean): number } })._handle.setBlocking(false);
    return s;
  }
  const st = fstatSync(fd);
  if (st.isFIFO() || st.isSocket()) return new Socket({ fd, readable: false, writable: true }) as unknown as NodeJS.WriteStream;
  return new FileWriteStream(fd) as unknown as NodeJS.WriteStream;
}

/**
 * Output to a file or a device other than a terminal (`> out.txt`, `> /dev/null`): written at
 * once, as Node.js writes process.stdout to a file, rather than in trips to the thread pool;
 * the descriptor is closed with the stream.
 */
class FileWriteStream extends Writable {
  readonly fd: number;
  constructor(fd: number) {
    super();
    this.fd = fd;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    try {
      for (let off = 0; off < chunk.length; ) off += writeSync(this.fd, chunk, off);
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }
  override _destroy(e: Error | null, cb: (e?: Error | null) => void): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    cb(e);
  }
}

/** A readable stream on a received descriptor, of the kind Node.js would make for process.stdin. */
function readableOn(fd: number): NodeJS.ReadStream {
  if (isatty(fd)) {
    const s = new TtyReadStream(fd);
    adoptTty(s, fd);
    return s;
  }
  const st = fstatSync(fd);
  // manualStart: nothing is read until the command reads (as Node.js does for process.stdin).
  if (st.isFIFO() || st.isSocket()) return new Socket({ fd, readable: true, writable: false, manualStart: true } as ConstructorParameters<typeof Socket>[0]) as unknown as NodeJS.ReadStream;
  return createReadStream('', { fd, autoClose: true }) as unknown as NodeJS.ReadStream;
}

/** Waits until everything written so far has been handed to the kernel. */
function flushed(s: Writable): Promise<void> {
  // Nothing queued: every write's callback has run, so the kernel has it all.
  if (s.destroyed || s.writableEnded || s.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => resolve();
    s.once('error', done);
    s.write('', done);
  });
}

function signalName(n: number): NodeJS.Signals | undefined {
  return (Object.entries(osConstants.signals) as [NodeJS.Signals, number][]).find(([, v]) => v === n)?.[0];
}

class Session {
  readonly #conn: Socket;
  readonly #signals = new EventEmitter();
  #ended = false;
  #io!: CliIO;
  #streams: NodeJS.WriteStream[] = [];
  #stdin: NodeJS.ReadStream | undefined;
  #inFd = -1;

  constructor(conn: Socket) {
    this.#conn = conn;
  }

  /** Runs the command; resolves once the launcher has its answer. */
  async run(msg: CommandMessage, fds: number[]): Promise<void> {
    const [inFd, outFd, errFd] = fds as [number, number, number];
    const made: NodeJS.WriteStream[] = [];
    try {
      made.push(writableOn(outFd));
      made.push(outFd === errFd ? made[0]! : writableOn(errFd));
    } catch (e) {
      // The launcher runs the command itself then.
      for (const s of made) s.destroy();
      closeFds([inFd, ...fds.slice(1 + made.length)]);
      process.stderr.write(`berth cli host: cannot use the caller's stdio: ${(e as Error).message}\n`);
      this.#conn.end('C 0\n');
      return;
    }
    const [stdout, stderr] = made as [NodeJS.WriteStream, NodeJS.WriteStream];
    this.#streams = made;
    // A reader that went away (EPIPE) ends the command as SIGPIPE ends a process (docker's CLI
    // dies of it); other stream errors end only that stream, never the host.
    const watch = (s: NodeJS.ReadStream | NodeJS.WriteStream) =>
      s.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') void this.#finish(`K ${osConstants.signals.SIGPIPE}\n`);
      });
    for (const s of made) watch(s);
    // stdin is made when the command first asks for it (most never do: making and destroying
    // a stream for it cost more than some commands' whole run); else its descriptor is closed.
    this.#inFd = inFd;
    const openStdin = (): NodeJS.ReadStream => {
      if (!this.#stdin) {
        this.#stdin = readableOn(inFd);
        watch(this.#stdin);
      }
      return this.#stdin;
    };
    const signals = this.#signals;
    this.#io = {
      get stdin() {
        return openStdin();
      },
      stdout,
      stderr,
      cwd: msg.cwd,
      env: msg.env,
      agent: daemonAgent,
      onSignals(list, handler) {
        for (const s of list) signals.on(s, handler);
        return () => {
          for (const s of list) signals.off(s, handler);
        };
      },
    };
    this.#conn.on('data', (d) => this.#onControl(d));
    this.#conn.on('close', () => this.#abort());
    this.#conn.on('error', () => {});
    let code: number;
    try {
      code = await runCli(msg.argv, this.#io);
    } catch (e) {
      stderr.write(`${(e as Error)?.message ?? e}\n`);
      code = 1;
    }
    await this.#finish(`X ${code}\n`);
  }

  #pending = '';
  #onControl(d: Buffer): void {
    this.#pending += d.toString('latin1');
    let nl: number;
    while ((nl = this.#pending.indexOf('\n')) >= 0) {
      const line = this.#pending.slice(0, nl);
      this.#pending = this.#pending.slice(nl + 1);
      const m = /^S (\d+)$/.exec(line);
      const name = m ? signalName(Number(m[1])) : undefined;
      if (name) this.#signal(name, Number(m![1]));
    }
  }

  #signal(name: NodeJS.Signals, n: number): void {
    if (name === 'SIGWINCH') {
      for (const s of this.#streams) {
        const refresh = (s as unknown as { _refreshSize?: () => void })._refreshSize;
        if (s instanceof TtyWriteStream && refresh) refresh.call(s);
      }
    }
    if (this.#signals.listenerCount(name) > 0) this.#signals.emit(name, name);
    else if (!IGNORED_BY_DEFAULT.has(name)) void this.#finish(`K ${n}\n`);
  }

  /** The launcher went away: stop the command's work. */
  #abort(): void {
    if (this.#ended) return;
    void this.#finish(undefined);
  }

  async #finish(answer: string | undefined): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    const [stdout, stderr] = this.#streams as [NodeJS.WriteStream, NodeJS.WriteStream];
    const stdin = this.#stdin;
    if (answer?.startsWith('X')) await Promise.all([flushed(stdout), flushed(stderr)]);
    if (stdin?.isTTY && (stdin as TtyReadStream).isRaw) (stdin as TtyReadStream).setRawMode(false);
    // The answer first: the caller goes on at once, while the host closes its copies of the
    // caller's descriptors and ends the command's requests (everything written is out already).
    if (answer && !this.#conn.destroyed) this.#conn.end(answer);
    else this.#conn.destroy();
    void this.#io.client?.then((c) => c.close(), () => {});
    for (const s of new Set(this.#streams)) s.destroy();
    if (stdin) stdin.destroy();
    else closeFds([this.#inFd]);
  }
}

export interface HostOptions {
  dir: string;
  idleSeconds: number;
}

/** Serves commands at DIR/host.sock until idle or retired. */
export async function serve(o: HostOptions): Promise<Server> {
  const sock = join(o.dir, 'host.sock');
  const stampPath = join(nativeBuildDir, 'cli-stamp');
  const readStamp = () => {
    try {
      return readFileSync(stampPath, 'utf8');
    } catch {
      return '';
    }
  };
  const stamp = readStamp();
  const umaskNow = ownUmask();
  let active = 0;
  let idle: NodeJS.Timeout | undefined;
  let retiring = false;
  const server = createServer({ pauseOnConnect: true });
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => shutdown(), o.idleSeconds * 1000);
    idle.unref();
  };
  const shutdown = () => {
    retiring = true;
    server.close();
    rmSync(join(o.dir, 'host.pid'), { force: true });
    if (active === 0) process.exit(0);
  };
  /** Receives one command on `conn` and runs it, or declines it. */
  const accept = async (conn: Socket): Promise<void> => {
    const fd = (conn as unknown as { _handle?: { fd?: number } })._handle?.fd;
    let msg: CommandMessage;
    let fds: number[] = [];
    try {
      if (typeof fd !== 'number' || fd < 0) throw new Error('no descriptor for the connection');
      // Read on a worker thread: a caller that is slow to send, or sends nothing, holds up
      // only its own command.
      const got = await native().recvCommand(fd, 2000);
      fds = got.fds;
      if (fds.length !== 3) throw new Error(`expected 3 descriptors, got ${fds.length}`);
      msg = parseCommandMessage(got.data);
    } catch (e) {
      closeFds(fds);
      process.stderr.write(`berth cli host: bad command message: ${(e as Error).message}\n`);
      conn.destroy();
      return;
    }
    const stale = readStamp() !== stamp;
    const umask = msg.env[UMASK_VAR];
    delete msg.env[UMASK_VAR];
    if (stale || retiring || (msg.env.TZ ?? '') !== (process.env.TZ ?? '') || (umask !== undefined && Number.parseInt(umask, 8) !== umaskNow)) {
      closeFds(fds);
      conn.end(`C ${stale || retiring ? 1 : 0}\n`);
      if (stale && !retiring) shutdown();
      return;
    }
    conn.resume();
    await new Session(conn).run(msg, fds);
  };
  server.on('connection', (conn) => {
    // A command counts from its connection on, so the host does not go idle while receiving it.
    active++;
    clearTimeout(idle);
    void accept(conn).finally(() => {
      active--;
      if (retiring && active === 0) process.exit(0);
      if (active === 0) armIdle();
    });
  });
  await listenExclusively(server, sock);
  writeFileSync(join(o.dir, 'host.pid'), `${process.pid}\n`, { mode: 0o600 });
  armIdle();
  return server;
}

/** Listens at `sock` unless another host answers there (then exits); removes a stale socket. */
async function listenExclusively(server: Server, sock: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(sock, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      const alive = await new Promise<boolean>((resolve) => {
        const c = netConnect(sock, () => {
          c.destroy();
          resolve(true);
        });
        c.on('error', () => resolve(false));
      });
      if (alive) process.exit(0);
      rmSync(sock, { force: true });
    }
  }
  throw new Error(`cannot listen at ${sock}`);
}

// `node host.js DIR`
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: host.js SOCKET_DIR\n');
    process.exit(2);
  }
  process.title = 'berth-cli-host';
  // The umask stays the starting caller's: commands create files (save -o, cp, --iidfile) as
  // the caller would; callers with another umask run the plain way (see accept).
  // A command's mistake must not end the other commands this host is running.
  process.on('uncaughtException', (e) => process.stderr.write(`berth cli host: uncaught: ${e?.stack ?? e}\n`));
  process.on('unhandledRejection', (e) => process.stderr.write(`berth cli host: unhandled rejection: ${(e as Error)?.stack ?? e}\n`));
  for (const s of ['SIGPIPE', 'SIGHUP'] as const) process.on(s, () => {});
  const idleSeconds = Number(process.env.BERTH_CLI_IDLE_SECONDS) > 0 ? Number(process.env.BERTH_CLI_IDLE_SECONDS) : 600;
  const server = await serve({ dir, idleSeconds });
  for (const s of ['SIGTERM', 'SIGINT'] as const) {
    process.on(s, () => {
      server.close();
      rmSync(join(dir, 'host.pid'), { force: true });
      process.exit(0);
    });
  }
}
