/**
 * @module build/plan/plan
 * Dockerfile → build plan: the only part of the builder that sees the Dockerfile frontend. It
 * parses the file, translates each command into the builder's {@link Instruction}, expands
 * FROM names and `--from` values with the meta args, works out which stages the target needs
 * and in which order they may run, appends `--label` options as LABEL steps of the target
 * stage, and wraps the frontend's word expansion and build-arg scoping as the solver's
 * {@link Frontend}.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { hostPlatform } from '../../image/manifest.js';
import {
  BuildArgs, expandWord, expandWords, parseDockerfile, parsePortSpecs, platformArgs,
  type Command, type Dockerfile, type EnvGetter, type StageScope,
} from '../../dockerfile/index.js';
import type { Frontend, InlineFile, Instruction, StageVars } from '../steps/types.js';
import type { BuildOptions } from '../types.js';
import { neededStages, stageDependencies, targetIndex, type StageRefs } from './stage-graph.js';

export interface PlannedStage {
  index: number;
  name?: string;
  /** The FROM line as written (`Step N/M : FROM …`). */
  fromText: string;
  fromLine: number;
  /** The FROM name as written, and after meta-arg expansion ('' is an error when the stage starts). */
  baseName: string;
  base: string;
  instructions: Instruction[];
}

export interface BuildPlan {
  /** Meta ARG lines (`Step 1/N : ARG …`), printed before the first stage. */
  metaArgs: string[];
  stages: PlannedStage[];
  refs: StageRefs[];
  deps: number[][];
  target: number;
  /** Stages the target needs, in index order. */
  needed: number[];
  frontend: Frontend;
  /** Parser warnings (`[WARNING]: Empty continuation line found in: …`). */
  warnings: string[];
}

const HEREDOC_SOURCE = /^\d*<<-?/;

function heredocName(source: string): string {
  return source.replace(HEREDOC_SOURCE, '').replace(/["']/g, '');
}

/** Translates one frontend command (never FROM) into the builder's instruction. */
export function toInstruction(cmd: Exclude<Command, { kind: 'FROM' }>): Instruction {
  const base = { text: cmd.original.trim(), line: cmd.location.startLine };
  const inline = (hs: { name: string; content: string; expand: boolean }[]): InlineFile[] =>
    hs.map((h) => ({ name: h.name, content: h.content, expand: h.expand }));
  switch (cmd.kind) {
    case 'RUN':
      return {
        ...base, op: 'RUN', prependShell: cmd.prependShell, cmdLine: cmd.cmdLine, heredocs: inline(cmd.heredocs), mounts: cmd.mounts,
        ...(cmd.network !== undefined ? { network: cmd.network } : {}), ...(cmd.security !== undefined ? { security: cmd.security } : {}),
      };
    case 'CMD':
    case 'ENTRYPOINT':
      return { ...base, op: cmd.kind, prependShell: cmd.prependShell, cmdLine: cmd.cmdLine };
    case 'SHELL':
      return { ...base, op: 'SHELL', shell: cmd.shell };
    case 'ENV':
    case 'LABEL':
      return { ...base, op: cmd.kind, pairs: cmd.pairs.map((p) => ({ key: p.key, value: p.value })) };
    case 'ARG':
      return { ...base, op: 'ARG', args: cmd.args.map((a) => ({ key: a.key, ...(a.value !== undefined ? { value: a.value } : {}) })) };
    case 'COPY':
    case 'ADD': {
      const names = new Set(cmd.heredocs.map((h) => h.name));
      const isInline = (s: string) => HEREDOC_SOURCE.test(s) && names.has(heredocName(s));
      return {
        ...base, op: cmd.kind, sources: cmd.sources.filter((s) => !isInline(s)), dest: cmd.dest,
        heredocs: inline(cmd.heredocs.filter((h) => cmd.sources.some((s) => isInline(s) && heredocName(s) === h.name))),
        ...(cmd.chown !== undefined ? { chown: cmd.chown } : {}), ...(cmd.chmod !== undefined ? { chmod: cmd.chmod } : {}),
        ...(cmd.from !== undefined ? { from: cmd.from } : {}), ...(cmd.checksum !== undefined ? { checksum: cmd.checksum } : {}),
        link: cmd.link, keepGitDir: cmd.keepGitDir, exclude: cmd.exclude, parents: cmd.parents,
      };
    }
    case 'EXPOSE':
      return { ...base, op: 'EXPOSE', ports: cmd.ports };
    case 'VOLUME':
      return { ...base, op: 'VOLUME', volumes: cmd.volumes };
    case 'USER':
      return { ...base, op: 'USER', user: cmd.user };
    case 'WORKDIR':
      return { ...base, op: 'WORKDIR', path: cmd.path };
    case 'STOPSIGNAL':
      return { ...base, op: 'STOPSIGNAL', signal: cmd.signal };
    case 'MAINTAINER':
      return { ...base, op: 'MAINTAINER', maintainer: cmd.maintainer };
    case 'ONBUILD':
      return { ...base, op: 'ONBUILD', expression: cmd.expression };
    case 'HEALTHCHECK': {
      const h = cmd.health;
      return {
        ...base, op: 'HEALTHCHECK', test: h.test,
        ...(h.interval !== undefined ? { interval: h.interval } : {}), ...(h.timeout !== undefined ? { timeout: h.timeout } : {}),
        ...(h.startPeriod !== undefined ? { startPeriod: h.startPeriod } : {}),
        ...(h.startInterval !== undefined ? { startInterval: h.startInterval } : {}),
        ...(h.retries !== undefined ? { retries: h.retries } : {}),
      };
    }
  }
}

/** The solver's view of a stage's variables, over the frontend's StageScope. */
class ScopeVars implements StageVars {
  readonly #scope: StageScope;
  readonly #escape: string;
  readonly #envKeys: Set<string>;

  constructor(scope: StageScope, imageEnv: readonly string[], escape: string) {
    this.#scope = scope;
    this.#escape = escape;
    this.#envKeys = new Set(imageEnv.map((e) => e.split('=', 1)[0]!));
  }

  #argsOf(names: Iterable<string>, env: EnvGetter): [string, string][] {
    const out: [string, string][] = [];
    for (const n of names) if (!this.#envKeys.has(n)) out.push([n, env.get(n) ?? '']);
    return out;
  }

  declareArg(key: string, rawDefault: string | undefined): void {
    this.#scope.declareArg(key, rawDefault);
  }

  setEnv(key: string, value: string): void {
    this.#envKeys.add(key);
    this.#scope.setEnv(key, value);
  }

  expand(word: string) {
    const env = this.#scope.getter();
    const e = expandWord(word, env, this.#escape);
    return { value: e.result, args: this.#argsOf(e.matched, env) };
  }

  expandWords(word: string) {
    const env = this.#scope.getter();
    const e = expandWords(word, env, this.#escape);
    return { values: e.words, args: this.#argsOf(e.matched, env) };
  }

  runBuildArgs(): string[] {
    return this.#scope.runBuildArgs();
  }

  runEnv(configEnv: readonly string[]): string[] {
    const own = this.#scope.env().length;
    return [...configEnv, ...this.#scope.runEnv().slice(own)];
  }

  argValues(): Map<string, string> {
    const m = new Map<string, string>();
    for (const kv of this.#scope.runBuildArgs()) m.set(kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1));
    return m;
  }
}

function makeFrontend(df: Dockerfile, args: BuildArgs): Frontend {
  const escape = df.escape;
  return {
    stageVars: (imageEnv) => new ScopeVars(args.stage(imageEnv), imageEnv, escape),
    expandMeta: (word) => expandWord(word, args.fromEnv(), escape).result,
    parseTrigger: (text, line) => {
      // A trigger is one instruction: parse it as the only step of a stage.
      const cmds = parseDockerfile(`FROM scratch\n${text}\n`).stages.flatMap((s, i) => (i === 0 ? s.commands : [s.from]));
      const cmd = cmds[0];
      if (cmds.length !== 1 || !cmd) throw new InvalidArgument('onbuild trigger should be a single expression');
      if (cmd.kind === 'FROM') throw new InvalidArgument('FROM isn\'t allowed as an ONBUILD trigger');
      return { ...toInstruction(cmd), line };
    },
    unconsumedArgs: () => args.unconsumed(),
    parsePorts: (specs) => parsePortSpecs(specs),
  };
}

/** Plans a build of `text` (the Dockerfile's content). */
export function planBuild(text: string, options: BuildOptions, file = 'Dockerfile'): BuildPlan {
  const df = parseDockerfile(text, file);
  const userArgs: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.buildArgs)) if (v !== null) userArgs[k] = v;
  const args = new BuildArgs(userArgs, df.metaArgs, platformArgs(hostPlatform()), df.escape);
  const frontend = makeFrontend(df, args);
  const stages: PlannedStage[] = df.stages.map((s) => {
    const base = frontend.expandMeta(s.baseName);
    return {
      baseName: s.baseName,
      index: s.index,
      ...(s.name !== undefined ? { name: s.name } : {}),
      fromText: s.from.original.trim(),
      fromLine: s.from.location.startLine,
      base,
      instructions: s.commands.filter((c): c is Exclude<Command, { kind: 'FROM' }> => c.kind !== 'FROM').map(toInstruction),
    };
  });
  const refs: StageRefs[] = df.stages.map((s, i) => ({
    ...(s.name !== undefined ? { name: s.name } : {}),
    base: stages[i]!.base,
    copyFrom: s.commands.flatMap((c) => (c.kind === 'COPY' || c.kind === 'ADD') && c.from !== undefined ? [frontend.expandMeta(c.from)] : []),
  }));
  const names = new Set<string>();
  for (const r of refs) {
    const n = r.name?.toLowerCase();
    if (n === undefined) continue;
    if (names.has(n)) throw new InvalidArgument(`${n} stage name already used`);
    names.add(n);
  }
  const deps = stageDependencies(refs);
  const target = targetIndex(refs, options.target);
  const labels = Object.keys(options.labels).sort();
  const last = stages[target]!;
  for (const k of labels) {
    last.instructions.push({ op: 'LABEL', text: `LABEL ${k}=${options.labels[k]}`, line: last.fromLine, pairs: [{ key: k, value: options.labels[k]! }], literal: true });
  }
  return {
    metaArgs: df.metaArgs.map((a) => a.original.trim()),
    stages,
    refs,
    deps,
    target,
    needed: neededStages(deps, target),
    frontend,
    warnings: df.warnings.map((w) => `[WARNING]: ${w.message}\n`),
  };
}
