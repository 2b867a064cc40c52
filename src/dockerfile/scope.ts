/**
 * @module dockerfile/scope
 * Docker's scoping of build args and environment variables, as pure state the builder steps:
 *
 * - `BuildArgs` holds the user's `--build-arg`s, the ARGs declared before the first FROM (the
 *   "meta" args, usable only in FROM lines) and the predefined platform args.
 * - `StageScope` is one stage's view: an ARG declared in the stage takes the user's value, else
 *   its own default (expanded), else — when declared without a default — the meta arg of the
 *   same name. ENV always wins over ARG of the same name. Undeclared args are invisible.
 * - The proxy args (HTTP_PROXY, …) reach RUN without being declared, but stay out of history
 *   and cache keys unless declared.
 */
import type { ArgCommand } from './instructions/types.js';
import { expandWord, type EnvGetter } from './shell-lex.js';

export const PROXY_ARGS: readonly string[] = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
];

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** TARGETPLATFORM, TARGETOS, … BUILDVARIANT for a target and build platform. */
export function platformArgs(target: Platform, build: Platform = target): Record<string, string> {
  const fmt = (p: Platform) => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
  return {
    TARGETPLATFORM: fmt(target),
    TARGETOS: target.os,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
    BUILDPLATFORM: fmt(build),
    BUILDOS: build.os,
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
  };
}

function mapGetter(...maps: Map<string, string>[]): EnvGetter {
  return {
    get: (name) => {
      for (const m of maps) if (m.has(name)) return m.get(name);
      return undefined;
    },
  };
}

export class BuildArgs {
  readonly #user: Map<string, string>;
  readonly #global = new Map<string, string>();
  readonly #consumed = new Set<string>();
  readonly #escape: string;

  /**
   * @param userArgs `--build-arg` values (an arg given without a value and absent from the
   *   environment should simply be left out by the caller)
   */
  constructor(userArgs: Record<string, string>, metaArgs: readonly ArgCommand[], platform: Record<string, string>, escape = '\\') {
    this.#user = new Map(Object.entries(userArgs));
    this.#escape = escape;
    for (const [k, v] of Object.entries(platform)) this.#global.set(k, v);
    for (const cmd of metaArgs) {
      for (const a of cmd.args) {
        const v = this.#valueFor(a.key, a.value, mapGetter(this.#global));
        if (v !== undefined) this.#global.set(a.key, v);
      }
    }
  }

  #valueFor(key: string, rawDefault: string | undefined, env: EnvGetter): string | undefined {
    if (this.#user.has(key)) {
      this.#consumed.add(key);
      return this.#user.get(key);
    }
    if (rawDefault !== undefined) return expandWord(rawDefault, env, this.#escape).result;
    return undefined;
  }

  /** Variables visible in FROM lines: the meta args and the platform args. */
  fromEnv(): EnvGetter {
    return mapGetter(this.#global);
  }

  /** A new stage's scope, starting from the base image's environment (`K=V` list). */
  stage(imageEnv: readonly string[]): StageScope {
    return new StageScope(this, imageEnv);
  }

  /** User build args no ARG declared (Docker warns: "One or more build-args [x] were not consumed"). */
  unconsumed(): string[] {
    return [...this.#user.keys()].filter((k) => !this.#consumed.has(k) && !PROXY_ARGS.includes(k)).sort();
  }

  /** @internal for StageScope */
  resolve(key: string, rawDefault: string | undefined, env: EnvGetter): string | undefined {
    const v = this.#valueFor(key, rawDefault, env);
    if (v !== undefined) return v;
    return this.#global.get(key);
  }

  /** @internal */
  userValue(key: string): string | undefined {
    return this.#user.get(key);
  }

  get escape(): string {
    return this.#escape;
  }
}

export class StageScope {
  readonly #build: BuildArgs;
  /** Declared ARGs with their values (undefined: declared without any value). */
  readonly #args = new Map<string, string | undefined>();
  readonly #env = new Map<string, string>();

  constructor(build: BuildArgs, imageEnv: readonly string[]) {
    this.#build = build;
    for (const kv of imageEnv) {
      const i = kv.indexOf('=');
      if (i < 0) this.#env.set(kv, '');
      else this.#env.set(kv.slice(0, i), kv.slice(i + 1));
    }
  }

  /** Declares an ARG in this stage (its default is expanded with the scope before it). */
  declareArg(key: string, rawDefault?: string): void {
    this.#args.set(key, this.#build.resolve(key, rawDefault, this.getter()));
  }

  /** Sets an ENV variable (the value already expanded). */
  setEnv(key: string, value: string): void {
    this.#env.delete(key);
    this.#env.set(key, value);
  }

  /** What Dockerfile words expand against: ENV first, then declared args with values. */
  getter(): EnvGetter {
    return {
      get: (name) => {
        if (this.#env.has(name)) return this.#env.get(name);
        return this.#args.get(name);
      },
    };
  }

  /** The image config's Env list, in order. */
  env(): string[] {
    return [...this.#env].map(([k, v]) => `${k}=${v}`);
  }

  /**
   * Build args a RUN sees and records: declared args with a value that no ENV overrides,
   * as sorted `K=V` (Docker's `|N K=V … /bin/sh -c …` history prefix and cache key).
   */
  runBuildArgs(): string[] {
    const out: string[] = [];
    for (const [k, v] of this.#args) if (v !== undefined && !this.#env.has(k)) out.push(`${k}=${v}`);
    return out.sort();
  }

  /** The environment of a RUN: config env, then its build args, then undeclared proxy args given by the user. */
  runEnv(): string[] {
    const out = this.env().concat(this.runBuildArgs());
    for (const p of PROXY_ARGS) {
      const v = this.#build.userValue(p);
      if (v !== undefined && !this.#args.has(p) && !this.#env.has(p)) out.push(`${p}=${v}`);
    }
    return out;
  }

  /** Declared arg names (for diagnostics). */
  declared(): string[] {
    return [...this.#args.keys()];
  }
}
