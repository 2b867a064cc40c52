/**
 * Test helper: a CNCF Distribution registry (Debian `docker-registry`) on 127.0.0.1 and a random
 * port, storing into a temporary directory, optionally with htpasswd basic auth or bearer
 * tokens from a token server the caller runs. `stop()` ends it by its PID and removes its files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const registryBin = '/usr/bin/docker-registry';
export const hasRegistry = existsSync(registryBin);

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  dir: string;
  process: ChildProcess;
  /** Kills the registry (SIGKILL when `hard`) and waits for it to exit. */
  kill(hard?: boolean): Promise<void>;
  /** Starts it again on the same port and storage. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A bcrypt htpasswd line (Distribution only accepts bcrypt), made with Python's crypt module. */
export function htpasswdLine(user: string, password: string): string {
  const hash = execFileSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', password])
    .toString()
    .trim();
  return `${user}:${hash}\n`;
}

export interface RegistryAuth {
  htpasswd?: { user: string; password: string };
  /** Distribution's `auth.token`: realm, service, issuer and the PEM certificate bundle of the signer. */
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
}

export async function startRegistry(opts: { auth?: RegistryAuth; tls?: { cert: string; key: string } } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let auth = '';
  if (opts.auth?.htpasswd) {
    writeFileSync(join(dir, 'htpasswd'), htpasswdLine(opts.auth.htpasswd.user, opts.auth.htpasswd.password));
    auth = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (opts.auth?.token) {
    const t = opts.auth.token;
    writeFileSync(join(dir, 'token.pem'), t.rootCertBundle);
    auth = `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${join(dir, 'token.pem')}\n`;
  }
  let tls = '';
  if (opts.tls) {
    writeFileSync(join(dir, 'tls.crt'), opts.tls.cert);
    writeFileSync(join(dir, 'tls.key'), opts.tls.key);
    tls = `  tls:\n    certificate: ${join(dir, 'tls.crt')}\n    key: ${join(dir, 'tls.key')}\n`;
  }
  const config =
    `version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\n` +
    `http:\n  addr: ${host}\n${tls}${auth}`;
  writeFileSync(join(dir, 'config.yml'), config);
  let log = '';
  const r: TestRegistry = {
    host,
    dir,
    process: undefined as unknown as ChildProcess,
    kill: async (hard = false) => {
      const p = r.process;
      if (p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise<void>((res) => p.once('exit', () => res()));
      p.kill(hard ? 'SIGKILL' : 'SIGTERM');
      await exited;
    },
    start: async () => {
      const p = spawn(registryBin, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout!.on('data', (b) => (log += b));
      p.stderr!.on('data', (b) => (log += b));
      r.process = p;
      const deadline = Date.now() + 15_000;
      for (;;) {
        if (p.exitCode !== null) throw new Error(`docker-registry exited: ${log.slice(-2000)}`);
        // Probed by connecting: binding the port to test it races with the registry's own bind.
        const up = await new Promise<boolean>((res) => {
          const s = connect(port, '127.0.0.1');
          s.once('connect', () => {
            s.destroy();
            res(true);
          });
          s.once('error', () => res(false));
        });
        if (up) return;
        if (Date.now() > deadline) throw new Error(`docker-registry did not start: ${log.slice(-2000)}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    stop: async () => {
      await r.kill();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  await r.start();
  return r;
}
