/**
 * @module cli/connect
 * Finds the daemon: `-H`, then `BERTH_HOST`, then `DOCKER_HOST` (as docker reads it), then the
 * default socket. When the first request finds nothing listening at the default socket, starts
 * berthd itself (detached, logging into the data root), says so in one line on stderr, waits
 * for `/_ping` and sends the request again.
 */
import { spawn } from 'node:child_process';
import type { Agent } from 'node:http';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '../client/client.js';
import { defaultDataRoot, defaultExecRoot, defaultHost } from '../util/default-paths.js';
import { Unavailable } from '../errdefs/index.js';
import { DAEMON_NODE_FLAGS } from '../util/daemon-flags.js';

export interface ConnectOptions {
  host?: string;
  /** The caller's environment (BERTH_HOST, DOCKER_HOST, BERTH_DATA_ROOT, BERTH_EXEC_ROOT). */
  env: NodeJS.ProcessEnv;
  /** Where to say that berthd was started. */
  notify: (line: string) => void;
  /** Connections shared with other clients (the CLI host's); the client's own when absent. */
  agent?: Agent;
}

export async function connect(opts: ConnectOptions): Promise<Client> {
  // An empty variable counts as unset, as docker treats DOCKER_HOST.
  const explicit = opts.host ?? (opts.env.BERTH_HOST || opts.env.DOCKER_HOST);
  if (explicit) return new Client(explicit, { agent: opts.agent });
  // The default socket: no ping first; the first request that finds nothing listening starts
  // berthd and is sent again (see Client).
  const client: Client = new Client(defaultHost(opts.env), { startDaemon: () => startDaemon(client, opts.env, opts.notify), agent: opts.agent });
  return client;
}

async function startDaemon(client: Client, env: NodeJS.ProcessEnv, notify: (line: string) => void): Promise<void> {
  if (process.geteuid && process.geteuid() !== 0) {
    throw new Unavailable(
      `Cannot connect to the berth daemon at ${client.hostString}. Is the berth daemon running? ` +
        '(berth starts it by itself only when run as root)',
    );
  }
  const dataRoot = defaultDataRoot(env);
  const execRoot = defaultExecRoot(env);
  mkdirSync(dataRoot, { recursive: true, mode: 0o711 });
  const logPath = join(dataRoot, 'berthd.log');
  const fd = openSync(logPath, 'a', 0o600);
  const daemonMain = fileURLToPath(new URL('../daemon/main.js', import.meta.url));
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, daemonMain, '--data-root', dataRoot, '--exec-root', execRoot], {
    detached: true,
    stdio: ['ignore', fd, fd],
    cwd: '/',
    env,
  });
  closeSync(fd);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  notify(`berth: no daemon was running; started berthd (pid ${child.pid}, log ${logPath})`);
  const deadline = Date.now() + 20_000;
  let delay = 10;
  while (Date.now() < deadline) {
    if (exited !== null) break;
    try {
      await client.ping();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 200);
    }
  }
  let tail = '';
  try {
    tail = readFileSync(logPath, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    /* no log */
  }
  throw new Unavailable(`berthd did not start (see ${logPath})${tail ? `:\n${tail}` : ''}`);
}
