/**
 * @module dockerfile/scope
 * Docker's scoping of build args and environment variables, as pure state the builder steps
 * through. Terms:
 *
 * - *build args*: the user's `--build-arg K=V` values.
 * - *global scope*: the predefined args (TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT,
 *   BUILDPLATFORM, BUILDOS, BUILDARCH, BUILDVARIANT — values from the caller, see
 *   `platformArgs`) and the *meta args* (ARGs before the first FROM). FROM lines expand
 *   against it (`BuildArgScope.fromEnv`).
 * - *stage scope* (`StageScope`): inside a stage only what the stage declares is visible. An ARG
 *   takes the build arg of its name if given, else its own default, else (declared without a
 *   default) the global value of the same name — which is how `ARG TARGETOS` or a re-declared
 *   meta arg becomes usable. ENV always wins over an ARG of the same name.
 * - *proxy args* (HTTP_PROXY, http_proxy, HTTPS_PROXY, https_proxy, FTP_PROXY, ftp_proxy,
 *   NO_PROXY, no_proxy, ALL_PROXY, all_proxy): usable without being declared when given as
 *   build args, but left out of history and cache keys unless declared.
 *
 * Lifecycle for one build:
 *
 * ```ts
 * const g = new BuildArgScope({ buildArgs, predefined: platformArgs(target, build) });
 * g.addMetaArgs(df.metaArgs);
 * for (const stage of df.stages) {
 *   const from = expandCommand(stage.from, g.fromEnv(), { escapeToken }).command;
 *   const s = g.stage(baseImageConfig.Env ?? []);
 *   for (const cmd of stage.commands) {
 *     const { command, used } = expandCommand(cmd, s.getter(), { escapeToken }); // env before cmd
 *     s.apply(command);                        // ARG declares, ENV sets; others no-op
 *     // RUN: environment s.runEnv(); history/cache prefix s.runBuildArgs()
 *     // other steps: cache on s.argValues(used)
 *   }
 * }
 * g.unusedBuildArgs();                         // "One or more build-args [...] were not consumed"
 * ```
 */
import type { ArgCommand, StageCommand } from './instructions/types.js';
import { reasonOf, stepError } from './errors.js';
import { expandWord } from './shell-lex.js';
import type { EnvGetter } from './types.js';

export const PROXY_ARGS: readonly string[] = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
];

export const PLATFORM_ARGS: readonly string[] = [
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
];

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** The predefined platform args for a target and a build platform (e.g. linux/amd64). */
export function platformArgs(target: Platform, build: Platform = target): Record<string, string> {
  const format = (p: Platform) => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
  return {
    TARGETPLATFORM: format(target),
    TARGETOS: target.os,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
    BUILDPLATFORM: format(build),
    BUILDOS: build.os,
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
  };
}

/** A snapshot EnvGetter over `[K, V]` entries; the first entry of a name wins. */
function snapshot(entries: Iterable<[string, string]>): EnvGetter {
  const m = new Map<string, string>();
  for (const [k, v] of entries) if (!m.has(k)) m.set(k, v);
  return { get: (name) => m.get(name), keys: () => [...m.keys()] };
}

export interface BuildArgScopeOptions {
  /** `--build-arg` values. */
  buildArgs?: Readonly<Record<string, string>>;
  /** Predefined global args (`platformArgs(…)`); build args of the same name override them. */
  predefined?: Readonly<Record<string, string>>;
  /** The Dockerfile's escape character, for expanding meta ARG defaults. */
  escapeToken?: string;
}

/** The global scope of one build. */
export class BuildArgScope {
  readonly #buildArgs: Map<string, string>;
  /** Global args: predefined, then meta args (undefined: declared without any value). */
  readonly #global = new Map<string, string | undefined>();
  readonly #consumed = new Set<string>();
  readonly escapeToken: string;

  constructor(opts: BuildArgScopeOptions = {}) {
    this.#buildArgs = new Map(Object.entries(opts.buildArgs ?? {}));
    this.escapeToken = opts.escapeToken ?? '\\';
    for (const [k, v] of Object.entries(opts.predefined ?? {})) {
      this.#global.set(k, this.#buildArgs.get(k) ?? v);
      this.#consumed.add(k);
    }
  }

  /** The `--build-arg` value of `key`, if given (marks it consumed). */
  buildArg(key: string): string | undefined {
    const v = this.#buildArgs.get(key);
    if (v !== undefined) this.#consumed.add(key);
    return v;
  }

  /**
   * Declares the ARGs before the first FROM, in order (unexpanded, as parsed); each default
   * expands against the global scope so far. A re-declaration without a value keeps the
   * earlier value. Throws LocationError when a default cannot be expanded.
   */
  addMetaArgs(metaArgs: readonly ArgCommand[]): void {
    for (const cmd of metaArgs) {
      for (const a of cmd.args) {
        let value = this.buildArg(a.key);
        if (value === undefined && a.value !== undefined) {
          try {
            value = expandWord(a.value, this.fromEnv(), this.escapeToken).result;
          } catch (e) {
            throw stepError(reasonOf(e), cmd.location.file, cmd.location.startLine, cmd.location.endLine, e);
          }
        }
        if (value !== undefined || !this.#global.has(a.key)) this.#global.set(a.key, value);
      }
    }
  }

  /** The value of a global arg (predefined or meta), undefined when unset. */
  globalValue(key: string): string | undefined {
    return this.#global.get(key);
  }

  /** Names declared in the global scope (predefined and meta args). */
  globalNames(): string[] {
    return [...this.#global.keys()];
  }

  /** A build arg's value without marking it consumed. */
  buildArgValue(key: string): string | undefined {
    return this.#buildArgs.get(key);
  }

  /** The proxy args given as build args, as `[K, V]`. */
  proxyArgs(): [string, string][] {
    const out: [string, string][] = [];
    for (const p of PROXY_ARGS) {
      const v = this.#buildArgs.get(p);
      if (v !== undefined) out.push([p, v]);
    }
    return out;
  }

  /** What FROM lines expand against (a snapshot): global args with values, then proxy build args. */
  fromEnv(): EnvGetter {
    const out: [string, string][] = [];
    for (const [k, v] of this.#global) if (v !== undefined) out.push([k, v]);
    for (const [k, v] of this.proxyArgs()) if (!this.#global.has(k)) out.push([k, v]);
    return snapshot(out);
  }

  /** A new stage's scope, starting from its base image's config Env (`K=V` list). */
  stage(imageEnv: readonly string[] = []): StageScope {
    return new StageScope(this, imageEnv);
  }

  /** Build args no ARG declared (Docker warns: "One or more build-args [X] were not consumed"). */
  unusedBuildArgs(): string[] {
    return [...this.#buildArgs.keys()].filter((k) => !this.#consumed.has(k) && !PROXY_ARGS.includes(k)).sort();
  }
}

/** One stage's view of args and environment. */
export class StageScope {
  readonly #global: BuildArgScope;
  /** The image config's Env, in order, and where each name is in it. */
  readonly #env: [string, string][] = [];
  readonly #envIndex = new Map<string, number>();
  /** Declared ARGs (undefined: declared without any value). */
  readonly #args = new Map<string, string | undefined>();

  constructor(global: BuildArgScope, imageEnv: readonly string[]) {
    this.#global = global;
    for (const kv of imageEnv) {
      const eq = kv.indexOf('=');
      this.setEnv(eq < 0 ? kv : kv.slice(0, eq), eq < 0 ? '' : kv.slice(eq + 1));
    }
  }

  #envHas(key: string): boolean {
    return this.#envIndex.has(key);
  }

  /** Declares an ARG; `value` is its default, already expanded (see expandCommand). */
  declareArg(key: string, value?: string): void {
    let v = this.#global.buildArg(key);
    if (v === undefined) v = value ?? this.#global.globalValue(key);
    this.#args.set(key, v);
  }

  /** Sets an ENV variable: replaced in place when already set, else appended. */
  setEnv(key: string, value: string): void {
    const i = this.#envIndex.get(key);
    if (i !== undefined) this.#env[i] = [key, value];
    else {
      this.#envIndex.set(key, this.#env.length);
      this.#env.push([key, value]);
    }
  }

  /** Applies an expanded instruction's effect on the scope: ARG declares, ENV sets. */
  apply(cmd: StageCommand): void {
    if (cmd.kind === 'ARG') for (const a of cmd.args) this.declareArg(a.key, a.value);
    else if (cmd.kind === 'ENV') for (const p of cmd.pairs) this.setEnv(p.key, p.value);
  }

  /** The image config's Env after the stage's ENVs, as `K=V`. */
  env(): string[] {
    return this.#env.map(([k, v]) => `${k}=${v}`);
  }

  /** Declared args with a value that no ENV overrides, as `[K, V]` in declaration order. */
  #visibleArgs(): [string, string][] {
    const out: [string, string][] = [];
    for (const [k, v] of this.#args) if (v !== undefined && !this.#envHas(k)) out.push([k, v]);
    return out;
  }

  #undeclaredProxies(): [string, string][] {
    return this.#global.proxyArgs().filter(([k]) => !this.#args.has(k) && !this.#envHas(k));
  }

  /**
   * What the next instruction's words expand against: ENV, then declared args, then proxy
   * build args. A live view: expand an instruction completely before applying it.
   */
  getter(): EnvGetter {
    return {
      get: (name) => {
        const i = this.#envIndex.get(name);
        if (i !== undefined) return this.#env[i]![1];
        if (this.#args.has(name)) return this.#args.get(name);
        return PROXY_ARGS.includes(name) ? this.#global.buildArgValue(name) : undefined;
      },
      keys: () => snapshot([...this.#env, ...this.#visibleArgs(), ...this.#undeclaredProxies()]).keys(),
    };
  }

  /** Whether `name` is an ENV variable or a declared ARG (with or without a value). */
  isDefined(name: string): boolean {
    return this.#envIndex.has(name) || this.#args.has(name);
  }

  /** The environment of a RUN: the config Env, then the build args in scope (proxies included). */
  runEnv(): string[] {
    const args = [...this.#visibleArgs(), ...this.#undeclaredProxies()].map(([k, v]) => `${k}=${v}`).sort();
    return [...this.env(), ...args];
  }

  /**
   * The build args a RUN records, sorted `K=V` (Docker's `|N K=V … /bin/sh -c …` history
   * prefix and cache key): declared args with a value not overridden by ENV; undeclared proxy
   * args are left out.
   */
  runBuildArgs(): string[] {
    return this.#visibleArgs().map(([k, v]) => `${k}=${v}`).sort();
  }

  /** The build args among `names` (e.g. expandCommand's `used`), with their values: for cache keys. */
  argValues(names: Iterable<string>): Record<string, string> {
    const visible = new Map(this.#visibleArgs());
    const out: Record<string, string> = {};
    for (const n of [...names].sort()) {
      const v = visible.get(n);
      if (v !== undefined) out[n] = v;
    }
    return out;
  }

  /** Names of the ARGs declared in this stage so far. */
  declaredArgs(): string[] {
    return [...this.#args.keys()];
  }
}
