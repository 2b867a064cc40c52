/**
 * @module runtime/spec/env
 * Environment variables as Docker builds them (Config.Env itself is merged at create, see
 * image/env.ts):
 * - at start, the process gets PATH (default), HOSTNAME and, with a TTY, TERM=xterm, each
 *   replaced in place by Config.Env, then the rest of Config.Env; a bare `NAME` unsets it;
 *   HOME from /etc/passwd comes last when nothing set it (as runc does).
 */
import { DEFAULT_PATH } from './defaults.js';

const keyOf = (e: string) => {
  const i = e.indexOf('=');
  return i < 0 ? e : e.slice(0, i);
};

/** moby's ReplaceOrAppendEnvValues. */
export function replaceOrAppend(defaults: readonly string[], overrides: readonly string[]): string[] {
  const out: (string | undefined)[] = [...defaults];
  const index = new Map<string, number>();
  out.forEach((e, i) => index.set(keyOf(e!), i));
  for (const v of overrides) {
    const eq = v.indexOf('=');
    if (eq < 0) {
      const i = index.get(v);
      if (i !== undefined) out[i] = undefined;
      continue;
    }
    const i = index.get(v.slice(0, eq));
    if (i !== undefined && out[i] !== undefined) out[i] = v;
    else {
      index.set(v.slice(0, eq), out.length);
      out.push(v);
    }
  }
  return out.filter((e): e is string => e !== undefined);
}

/** The process environment of a container's main process. */
export function processEnv(configEnv: readonly string[] | null | undefined, opts: { hostname: string; tty: boolean; home: string }): string[] {
  const defaults = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${opts.hostname}`];
  if (opts.tty) defaults.push('TERM=xterm');
  const env = replaceOrAppend(defaults, configEnv ?? []);
  if (!env.some((e) => keyOf(e) === 'HOME')) env.push(`HOME=${opts.home}`);
  return env;
}

/** The environment of an exec: the container's process environment, then the exec's -e values. */
export function execEnv(containerEnv: readonly string[], execVars: readonly string[] | null | undefined, tty: boolean): string[] {
  const base = tty && !containerEnv.some((e) => keyOf(e) === 'TERM') ? [...containerEnv, 'TERM=xterm'] : [...containerEnv];
  return replaceOrAppend(base, execVars ?? []);
}
