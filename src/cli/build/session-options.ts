/**
 * @module cli/build/session-options
 * `berth build --secret`, `--ssh` and `--allow`, as buildx reads them, turned into what berthd's
 * /build takes: secrets as the `X-Berth-Build-Secrets` header (base64 JSON of id → base64
 * content; a header, so no proxy or access log ever sees them in a URL), agent sockets as the
 * `ssh` query parameter (JSON of id → paths; berthd runs on this host and forwards them), and
 * entitlements as `allow`.
 *
 * `--secret id=ID[,src=FILE|,env=VAR][,type=file|env]`: without src or env, the variable ID
 * when it is set, else the file ID. `--ssh default|ID[=SOCKET[,SOCKET]]`: without a path,
 * $SSH_AUTH_SOCK.
 */
import { readFileSync, statSync } from 'node:fs';
import { InvalidArgument } from '../../errdefs/index.js';

function fields(value: string, flag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of value.split(',')) {
    const i = f.indexOf('=');
    if (i <= 0) throw new InvalidArgument(`invalid argument "${value}" for "--${flag}" flag: invalid field '${f}' must be a key=value pair`);
    out.set(f.slice(0, i).toLowerCase(), f.slice(i + 1));
  }
  return out;
}

/** `--secret` values → id → content. */
export function secretsOf(list: readonly string[], env: NodeJS.ProcessEnv, resolve: (p: string) => string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const v of list) {
    const f = fields(v, 'secret');
    const id = f.get('id');
    if (!id) throw new InvalidArgument(`invalid argument "${v}" for "--secret" flag: secret ID missing`);
    for (const k of f.keys()) {
      if (!['id', 'src', 'source', 'env', 'type'].includes(k)) throw new InvalidArgument(`invalid argument "${v}" for "--secret" flag: unexpected key '${k}' in '${k}=${f.get(k)}'`);
    }
    const type = f.get('type');
    if (type !== undefined && type !== 'file' && type !== 'env') throw new InvalidArgument(`invalid argument "${v}" for "--secret" flag: unsupported secret type "${type}"`);
    const src = f.get('src') ?? f.get('source');
    let name = f.get('env');
    let file = src;
    if (type === 'env' && src !== undefined && name === undefined) [name, file] = [src, undefined];
    if (name === undefined && file === undefined) {
      if (type !== 'file' && env[id] !== undefined) name = id;
      else file = id;
    }
    if (name !== undefined && file === undefined) {
      const val = env[name];
      if (val === undefined) throw new InvalidArgument(`secret ${id}: environment variable ${name} is not set`);
      out[id] = Buffer.from(val);
    } else {
      try {
        out[id] = readFileSync(resolve(file!));
      } catch (e) {
        throw new InvalidArgument(`failed to read secret ${id} from ${file}: ${(e as Error).message}`, { cause: e });
      }
    }
  }
  return out;
}

/** `--ssh` values → id → agent socket paths (absolute). */
export function sshOf(list: readonly string[], env: NodeJS.ProcessEnv, resolve: (p: string) => string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of list) {
    const i = v.indexOf('=');
    const id = i < 0 ? v : v.slice(0, i);
    if (!id) throw new InvalidArgument(`invalid argument "${v}" for "--ssh" flag: ssh ID missing`);
    let paths = i < 0 ? [] : v.slice(i + 1).split(',').filter(Boolean);
    if (!paths.length) {
      const sock = env.SSH_AUTH_SOCK;
      if (!sock) throw new InvalidArgument(`invalid argument "${v}" for "--ssh" flag: SSH_AUTH_SOCK is not set: pass a socket (--ssh ${id}=PATH)`);
      paths = [sock];
    }
    out[id] = paths.map((p) => {
      const abs = resolve(p);
      let socket = false;
      try {
        socket = statSync(abs).isSocket();
      } catch (e) {
        throw new InvalidArgument(`ssh ${id}: ${(e as Error).message}`, { cause: e });
      }
      if (!socket) throw new InvalidArgument(`ssh ${id}: ${p} is not an agent socket (berth forwards ssh agent sockets, not key files)`);
      return abs;
    });
  }
  return out;
}

/** The header value for secrets; undefined when there are none. */
export function secretsHeader(secrets: Record<string, Buffer>): string | undefined {
  const ids = Object.keys(secrets);
  if (!ids.length) return undefined;
  return Buffer.from(JSON.stringify(Object.fromEntries(ids.map((id) => [id, secrets[id]!.toString('base64')])))).toString('base64');
}

export const ALLOWED_ENTITLEMENTS = ['security.insecure', 'network.host'];

/** `--allow` values, checked. */
export function allowOf(list: readonly string[]): string[] {
  for (const a of list) {
    if (!ALLOWED_ENTITLEMENTS.includes(a)) throw new InvalidArgument(`invalid argument "${a}" for "--allow" flag: invalid entitlement: ${a}`);
  }
  return [...list];
}
