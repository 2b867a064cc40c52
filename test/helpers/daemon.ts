/**
 * Test helper: a real berthd on a temporary socket and data root, and ways to drive it with the
 * berth CLI and the docker CLI. Every daemon started here is stopped by its PID in `stop()`.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_FLAGS } from '../../src/util/daemon-flags.js';
import { MNT_DETACH, native } from '../../src/util/native.js';

export const distRoot = join(fileURLToPath(import.meta.url), '..', '..', '..');
/** The `berth` users run: the launcher (native/berth-main.c), which uses the CLI host when one runs. */
export const berthBin = join(distRoot, 'native', 'berth');
/** The CLI in a Node.js process of its own (what the launcher falls back to). */
export const berthMainJs = join(distRoot, 'src', 'cli', 'main.js');
export const berthdBin = join(distRoot, 'src', 'daemon', 'main.js');
export const dockerBin = '/usr/local/bin/docker';
export const hasDocker = existsSync(dockerBin);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion, optionally feeding stdin. */
export function run(cmd: string, args: string[], opts: SpawnOptions & { input?: string | Buffer; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 + 9 : 1), stdout, stderr });
    });
    child.stdin!.end(opts.input);
  });
}

export interface TestDaemon {
  dir: string;
  dataRoot: string;
  execRoot: string;
  socket: string;
  host: string;
  process: ChildProcess;
  /** Runs the berth CLI against this daemon. */
  berth(args: string[], opts?: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Runs the docker CLI against this daemon. */
  docker(args: string[], opts?: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Stops the daemon (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the daemon again on the same roots (after stop). */
  restart(): Promise<void>;
  /** Stops the daemon and removes its directories. */
  cleanup(): Promise<void>;
}

async function waitForSocket(socket: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`berthd exited with ${child.exitCode}: ${log()}`);
    if (existsSync(socket)) {
      const r = await run(berthBin, ['-H', `unix://${socket}`, 'version', '--format', '{{.Server.Version}}']);
      if (r.code === 0) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`berthd did not start: ${log()}`);
}

/** Stops the CLI host serving the socket directory `dir` (BERTH_CLI_DIR), if one runs. */
export async function stopCliHost(dir: string): Promise<void> {
  let pid = 0;
  try {
    pid = Number((await fs.readFile(join(dir, 'host.pid'), 'utf8')).trim());
  } catch {
    return;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Detaches every mount below `dir` (deepest first), so removing it never crosses into a mount. */
export async function unmountUnder(dir: string): Promise<void> {
  const mounts = (await fs.readFile('/proc/self/mounts', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => !!m && m.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try {
      native().umount2(m, MNT_DETACH);
    } catch {
      /* already gone */
    }
  }
}

/** `env`: the daemon's environment (default: the test's). */
export async function startDaemon(opts: { extraArgs?: string[]; dir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<TestDaemon> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'berth-test-'));
  const dataRoot = join(dir, 'data');
  const execRoot = join(dir, 'run');
  const socket = join(execRoot, 'berth.sock');
  const host = `unix://${socket}`;
  let logText = '';
  // A default bridge of its own per test daemon (name and subnet), so daemons running side by
  // side never share one; and an address pool of its own (a random /21 of 10.252.0.0/15) for
  // networks created without a subnet, so two daemons creating one at once do not both take
  // the first free default pool. Test networks with a subnet use 10.250.0.0/15, outside these.
  const rnd = randomBytes(6);
  const bridgeArgs = [
    '--bridge-name', `bt${rnd.toString('hex').slice(0, 8)}`, '--bip', `10.${200 + (rnd[0]! % 50)}.${rnd[1]}.1/24`,
    '--default-address-pool', `base=10.${252 + (rnd[4]! % 2)}.${(rnd[5]! % 32) * 8}.0/21,size=24`,
  ];
  const launch = async () => {
    const child = spawn(
      process.execPath,
      [...DAEMON_NODE_FLAGS, berthdBin, '-H', host, '--data-root', dataRoot, '--exec-root', execRoot, '--log-level', 'debug', ...bridgeArgs, ...(opts.extraArgs ?? [])],
      { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env },
    );
    child.stdout!.on('data', (d) => (logText += d));
    child.stderr!.on('data', (d) => (logText += d));
    await waitForSocket(socket, child, () => logText.slice(-2000));
    return child;
  };
  const d: TestDaemon = {
    dir,
    dataRoot,
    execRoot,
    socket,
    host,
    process: await launch(),
    berth: (args, o = {}) =>
      run(berthBin, ['-H', host, ...args], { env: { ...process.env, ...o.env }, cwd: o.cwd, input: o.input, timeoutMs: o.timeoutMs }),
    docker: (args, o = {}) =>
      run(dockerBin, ['-H', host, ...args], {
        env: { ...process.env, DOCKER_CONFIG: join(dir, 'docker-config'), ...o.env },
        cwd: o.cwd,
        input: o.input,
        timeoutMs: o.timeoutMs,
      }),
    stop: async (signal = 'SIGTERM') => {
      const child = d.process;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
    restart: async () => {
      d.process = await launch();
    },
    cleanup: async () => {
      await d.stop();
      await unmountUnder(dir);
      await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
  return d;
}
