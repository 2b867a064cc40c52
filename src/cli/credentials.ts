/**
 * @module cli/credentials
 * Registry credentials where the docker CLI keeps them: `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`), `auths` entries of base64 `user:password` (or an identity token),
 * or a credential helper (`credsStore`, `credHelpers` per registry) run as
 * `docker-credential-NAME get|store|erase` with JSON on stdin and stdout. The file is written
 * as docker writes it (tab-indented, other keys kept, mode 0600, atomically).
 */
import { spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';

/** The server address docker uses for Docker Hub credentials. */
export const INDEX_SERVER = 'https://index.docker.io/v1/';

export interface Credentials {
  username: string;
  password: string;
  /** An OAuth identity token (instead of the password). */
  identitytoken?: string;
  serveraddress: string;
}

interface ConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string; email?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [k: string]: unknown;
}

export function configDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || '/root', '.docker');
}

export function configPath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), 'config.json');
}

/** The registry host of an image name (`busybox` → docker.io, `localhost:5000/x` → localhost:5000). */
export function registryOf(name: string): string {
  const i = name.indexOf('/');
  const first = i >= 0 ? name.slice(0, i) : '';
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost')) return 'docker.io';
  return first === 'index.docker.io' ? 'docker.io' : first;
}

/** The key credentials are stored under: Docker Hub's index URL, or `host[:port]`. */
export function serverKey(server: string | undefined): string {
  if (!server) return INDEX_SERVER;
  const host = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io') return INDEX_SERVER;
  return host;
}

async function readConfig(env: NodeJS.ProcessEnv): Promise<ConfigFile> {
  try {
    // A small local file, read on every pull, push and build: at once rather than in four trips
    // to the thread pool.
    return JSON.parse(readFileSync(configPath(env), 'utf8')) as ConfigFile;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`loading config file ${configPath(env)}: ${(e as Error).message}`, { cause: e });
  }
}

async function writeConfig(env: NodeJS.ProcessEnv, cfg: ConfigFile): Promise<void> {
  await fs.mkdir(configDir(env), { recursive: true, mode: 0o700 });
  await writeFileAtomic(configPath(env), JSON.stringify(cfg, null, '\t'), 0o600);
}

function helperOf(cfg: ConfigFile, key: string): string | undefined {
  return cfg.credHelpers?.[key] ?? cfg.credsStore;
}

/** Runs `docker-credential-NAME ACTION` with `input` on stdin; resolves with stdout. */
function runHelper(env: NodeJS.ProcessEnv, name: string, action: string, input: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(`docker-credential-${name}`, [action], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', (e) => reject(new Error(`error getting credentials - err: ${e.message}, out: \`\``, { cause: e })));
    p.on('close', (code) => resolve({ code: code ?? 1, out }));
    p.stdin.end(input);
  });
}

/** Stored credentials for a server key, undefined when there are none. */
export async function getCredentials(env: NodeJS.ProcessEnv, key: string): Promise<Credentials | undefined> {
  const cfg = await readConfig(env);
  const helper = helperOf(cfg, key);
  if (helper) {
    const r = await runHelper(env, helper, 'get', key);
    if (r.code !== 0) {
      if (/credentials not found/i.test(r.out)) return undefined;
      throw new Error(`error getting credentials - err: exit status ${r.code}, out: \`${r.out.trim()}\``);
    }
    const c = JSON.parse(r.out) as { Username?: string; Secret?: string };
    if (c.Username === '<token>') return { username: '', password: '', identitytoken: c.Secret ?? '', serveraddress: key };
    return { username: c.Username ?? '', password: c.Secret ?? '', serveraddress: key };
  }
  const a = cfg.auths?.[key] ?? (key === INDEX_SERVER ? undefined : cfg.auths?.[`https://${key}`] ?? cfg.auths?.[`http://${key}`]);
  if (!a || (!a.auth && !a.identitytoken)) return undefined;
  const s = Buffer.from(a.auth ?? '', 'base64').toString('utf8');
  const i = s.indexOf(':');
  return {
    username: i >= 0 ? s.slice(0, i) : s,
    password: i >= 0 ? s.slice(i + 1) : '',
    ...(a.identitytoken ? { identitytoken: a.identitytoken } : {}),
    serveraddress: key,
  };
}

/** Stores credentials; returns where (`helper NAME` or the file path) for the login message. */
export async function storeCredentials(env: NodeJS.ProcessEnv, c: Credentials): Promise<{ helper?: string; file: string }> {
  const cfg = await readConfig(env);
  const key = c.serveraddress;
  const helper = helperOf(cfg, key);
  cfg.auths ??= {};
  if (helper) {
    const secret = c.identitytoken ? { Username: '<token>', Secret: c.identitytoken } : { Username: c.username, Secret: c.password };
    const r = await runHelper(env, helper, 'store', JSON.stringify({ ServerURL: key, ...secret }));
    if (r.code !== 0) throw new Error(`error storing credentials - err: exit status ${r.code}, out: \`${r.out.trim()}\``);
    cfg.auths[key] = {};
  } else {
    cfg.auths[key] = c.identitytoken
      ? { auth: Buffer.from(`${c.username}:`).toString('base64'), identitytoken: c.identitytoken }
      : { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') };
  }
  await writeConfig(env, cfg);
  return { ...(helper ? { helper } : {}), file: configPath(env) };
}

/** Removes credentials; false when there were none. */
export async function eraseCredentials(env: NodeJS.ProcessEnv, key: string): Promise<boolean> {
  const cfg = await readConfig(env);
  const helper = helperOf(cfg, key);
  let found = cfg.auths?.[key] !== undefined;
  if (helper) {
    const r = await runHelper(env, helper, 'erase', key);
    if (r.code === 0) found = true;
  }
  if (cfg.auths && key in cfg.auths) {
    delete cfg.auths[key];
    await writeConfig(env, cfg);
  }
  return found;
}

/** `X-Registry-Auth` for an image's registry: URL-safe base64 of the AuthConfig JSON (`{}` when none). */
export async function registryAuthHeader(env: NodeJS.ProcessEnv, image: string): Promise<string> {
  const key = serverKey(registryOf(image));
  let c: Credentials | undefined;
  try {
    c = await getCredentials(env, key);
  } catch {
    c = undefined;
  }
  const body = c
    ? { username: c.username, password: c.password, serveraddress: c.serveraddress, ...(c.identitytoken ? { identitytoken: c.identitytoken } : {}) }
    : {};
  return Buffer.from(JSON.stringify(body)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * `X-Registry-Config` for a build: the credentials of every registry config.json knows
 * (`auths` and `credHelpers` keys), as the docker CLI sends them for the classic builder's
 * FROM pulls; URL-safe base64 of server address → AuthConfig. A helper that fails leaves its
 * registry out.
 */
export async function registryConfigHeader(env: NodeJS.ProcessEnv): Promise<string> {
  let cfg: ConfigFile;
  try {
    cfg = await readConfig(env);
  } catch {
    cfg = {};
  }
  const out: Record<string, { username: string; password: string; serveraddress: string; identitytoken?: string }> = {};
  for (const key of new Set([...Object.keys(cfg.auths ?? {}), ...Object.keys(cfg.credHelpers ?? {})])) {
    let c: Credentials | undefined;
    try {
      c = await getCredentials(env, key);
    } catch {
      c = undefined;
    }
    if (!c) continue;
    out[key] = { username: c.username, password: c.password, serveraddress: c.serveraddress, ...(c.identitytoken ? { identitytoken: c.identitytoken } : {}) };
  }
  return Buffer.from(JSON.stringify(out)).toString('base64url');
}
