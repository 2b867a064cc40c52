/**
 * @module bench/dockerd
 * Starts Debian's dockerd on a private socket and data root for side-by-side figures, and
 * stops it by its PID. Returns undefined when dockerd is not installed.
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { dockerBin, run } from '../test/helpers/daemon.js';
import { repeatTimed } from './repeat.js';

export interface Dockerd {
  host: string;
  /** dockerd's PID (for memory figures). */
  pid?: number;
  run(args: string[], opts?: { input?: string | Buffer; cwd?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs `docker ARGS` n times in a shell loop (bench/repeat.ts): the mean time of one, in ms. */
  repeat(args: string[], n: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * `bridge`: a Linux bridge (made by the caller, with its address) Docker's default network
 * uses, for the network figures; still without iptables rules (its published ports are
 * docker-proxy processes). Without it, containers get no bridge network.
 */
export async function startDockerd(scratch: string, opts: { bridge?: string; name?: string } = {}): Promise<Dockerd | undefined> {
  const bin = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p));
  if (!bin || !existsSync(dockerBin)) return undefined;
  const dir = join(scratch, opts.name ?? 'dockerd');
  await fs.mkdir(dir, { recursive: true });
  const sock = join(dir, 'docker.sock');
  const host = `unix://${sock}`;
  const child = spawn(
    bin,
    ['-H', host, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'),
      '--bridge', opts.bridge ?? 'none', '--iptables=false', '--ip-masq=false', '--storage-driver', 'overlay2'],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const env = { ...process.env, DOCKER_CONFIG: join(dir, 'config') };
  const dockerRun: Dockerd['run'] = (args, o = {}) => run(dockerBin, ['-H', host, ...args], { env, cwd: o.cwd, input: o.input, timeoutMs: 600_000 });
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) return undefined;
    if (existsSync(sock) && (await dockerRun(['version'])).code === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    ...(child.pid ? { pid: child.pid } : {}),
    run: dockerRun,
    repeat: (args, n) => repeatTimed(dockerBin, ['-H', host, ...args], n, env),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}
