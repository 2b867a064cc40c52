/**
 * The reference daemon of the differential suite: Debian's dockerd (docker.io 20.10) on its own
 * socket, data root, exec root and config under a temporary directory, with every flag that
 * would touch the host turned off (no default bridge, no iptables/ip6tables rules, no
 * ip_forward change, no /etc/docker/key.json or daemon.json). Stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { dockerBin, run } from '../helpers/daemon.js';

export const dockerdBin = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p));

export interface Dockerd {
  host: string;
  stop(): Promise<void>;
}

export async function startDockerd(dir: string): Promise<Dockerd> {
  if (!dockerdBin) throw new Error('dockerd is not installed');
  await fs.mkdir(dir, { recursive: true });
  const sock = join(dir, 'docker.sock');
  const host = `unix://${sock}`;
  const config = join(dir, 'daemon.json');
  // The trust key would go to /etc/docker/key.json; only the config file can move it.
  await fs.writeFile(config, JSON.stringify({ 'deprecated-key-path': join(dir, 'key.json') }) + '\n');
  let log = '';
  const child: ChildProcess = spawn(
    dockerdBin,
    [
      '-H', host,
      '--config-file', config,
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'docker.pid'),
      '--bridge', 'none',
      '--iptables=false',
      '--ip6tables=false',
      '--ip-masq=false',
      '--ip-forward=false',
      '--userland-proxy=false',
      '--storage-driver', 'overlay2',
      '--log-level', 'error',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(t);
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`dockerd exited with ${child.exitCode}: ${log.slice(-2000)}`);
    if (existsSync(sock)) {
      const r = await run(dockerBin, ['-H', host, 'version', '--format', '{{.Server.Version}}'], {
        env: { ...process.env, DOCKER_CONFIG: join(dir, 'cli') },
      });
      if (r.code === 0) return { host, stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`dockerd did not start: ${log.slice(-2000)}`);
}
