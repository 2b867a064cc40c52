/**
 * @module builder/plan/plan
 * Dockerfile → build plan: the only part of the builder that sees the Dockerfile frontend. It
 * parses the file, translates each command into the builder's {@link Instruction}, expands
 * FROM names with the meta args, works out which stages the target needs and in which order
 * they may run, appends `--label` options as LABEL steps of the target stage, and wraps the
 * frontend's expansion and build-arg scoping as the solver's {@link Frontend}.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { hostPlatform } from '../../image/manifest.js';
import {
  BuildArgScope, expandCommand, parseDockerfile, parseTrigger, platformArgs, reasonOf, runScript, syntaxNote,
  type StageCommand, type StageScope,
} from '../../dockerfile/index.js';
import type { Frontend, Instruction, StageVars } from '../steps/types.js';
import type { BuildOptions } from '../types.js';
import { neededStages, stageDependencies, targetIndex, type StageRefs } from './stage-graph.js';

export interface PlannedStage {
  index: number;
  name?: string;
  /** The FROM line as written (`Step N/M : FROM …`). */
  fromText: string;
  fromLine: number;
  /** The FROM name as written, and after meta-arg expansion. */
  baseName: string;
  base: string;
  /** Why the FROM name cannot be used (reported when the stage starts, as Docker does). */
  baseError?: string;
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
  /**
   * The `# syntax=` note, then the parser's warnings as Docker 20.10 prints them (one write to
   * the build's error stream: each warning, then that empty continuation lines will become
   * errors).
   */
  warnings: { text: string; stderr?: boolean }[];
}

/** The frontend command each instruction came from (to expand it with the frontend). */
const sourceOf = new WeakMap<Instruction, StageCommand>();

/** Translates one frontend command into the builder's instruction. */
export function toInstruction(cmd: StageCommand): Instruction {
  const ins = translate(cmd);
  sourceOf.set(ins, cmd);
  return ins;
}

function translate(cmd: StageCommand): Instruction {
  const base = { text: cmd.original.trim(), line: cmd.location.startLine };
  switch (cmd.kind) {
    case 'RUN': {
      const script = runScript(cmd);
      return {
        ...base, op: 'RUN', prependShell: script.prependShell, cmdLine: script.cmdLine,
        ...(script.executable ? { executable: { name: script.executable.name, data: script.executable.data } } : {}),
        mounts: cmd.mounts.map((m) => ({ ...m })), network: cmd.network, networkSet: /--network(=|\s)/.test(cmd.original), security: cmd.security,
      };
    }
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
    case 'ADD':
      return {
        ...base, op: cmd.kind, sources: cmd.sources, dest: cmd.dest, inline: cmd.inline.map((f) => ({ name: f.name, data: f.data })),
        ...(cmd.chown !== undefined ? { chown: cmd.chown } : {}), ...(cmd.chmod !== undefined ? { chmod: cmd.chmod } : {}),
        ...(cmd.kind === 'COPY' && cmd.from !== undefined ? { from: cmd.from } : {}),
        ...(cmd.kind === 'ADD' && cmd.checksum !== undefined ? { checksum: cmd.checksum } : {}),
        link: cmd.link, exclude: cmd.exclude, parents: cmd.kind === 'COPY' && cmd.parents,
      };
    case 'EXPOSE':
      return { ...base, op: 'EXPOSE', ports: cmd.specs, keys: cmd.ports.map((p) => p.key) };
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
        ...(h.interval ? { interval: h.interval } : {}), ...(h.timeout ? { timeout: h.timeout } : {}),
        ...(h.startPeriod ? { startPeriod: h.startPeriod } : {}), ...(h.startInterval ? { startInterval: h.startInterval } : {}),
        ...(h.retries ? { retries: h.retries } : {}),
      };
    }
  }
}

/** Stages (or images) RUN's bind and cache mounts read from (`from=`, never expanded). */
function mountStages(mounts: readonly { type: string; from?: string }[]): string[] {
  return mounts.flatMap((m) => ((m.type === 'bind' || m.type === 'cache') && m.from ? [m.from] : []));
}

/** The solver's view of a stage's variables, over the frontend's StageScope. */
class ScopeVars implements StageVars {
  readonly #scope: StageScope;
  readonly #escapeToken: string;

  constructor(scope: StageScope, escapeToken: string) {
    this.#scope = scope;
    this.#escapeToken = escapeToken;
  }

  expand<I extends Instruction>(ins: I): { ins: I; args: [string, string][] } {
    const src = sourceOf.get(ins);
    if (!src) return { ins, args: [] };
    const x = expandCommand(src, this.#scope.getter(), { escapeToken: this.#escapeToken });
    const out = { ...translate(x.command), text: ins.text, line: ins.line } as I;
    return { ins: out, args: Object.entries(this.#scope.argValues(x.used)) };
  }

  declareArg(key: string, value: string | undefined): void {
    this.#scope.declareArg(key, value);
  }

  setEnv(key: string, value: string): void {
    this.#scope.setEnv(key, value);
  }

  runBuildArgs(): string[] {
    return this.#scope.runBuildArgs();
  }

  runEnv(configEnv: readonly string[]): string[] {
    return [...configEnv, ...this.#scope.runEnv().slice(this.#scope.env().length)];
  }
}

/** Plans a build of `text` (the Dockerfile's content). */
export function planBuild(text: string, options: BuildOptions, file = 'Dockerfile'): BuildPlan {
  const df = parseDockerfile(text, file);
  const note = syntaxNote(df.directives, file);
  const buildArgs: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.buildArgs)) if (v !== null) buildArgs[k] = v;
  const escapeToken = df.escapeToken;
  const scope = new BuildArgScope({ buildArgs, predefined: platformArgs(hostPlatform()), escapeToken });
  scope.addMetaArgs(df.metaArgs);
  const frontend: Frontend = {
    stageVars: (imageEnv) => new ScopeVars(scope.stage(imageEnv), escapeToken),
    parseTrigger: (expression, line) => toInstruction(parseTrigger(expression, { file, startLine: line, endLine: line })),
    unconsumedArgs: () => scope.unusedBuildArgs(),
  };
  const stages: PlannedStage[] = df.stages.map((s) => {
    let base = '';
    let baseError: string | undefined;
    try {
      base = expandCommand(s.from, scope.fromEnv(), { escapeToken }).command.image;
    } catch (e) {
      if (!(e instanceof InvalidArgument)) throw e;
      baseError = reasonOf(e);
    }
    return {
      index: s.index,
      ...(s.name !== undefined ? { name: s.name } : {}),
      fromText: s.from.original.trim(),
      fromLine: s.from.location.startLine,
      baseName: s.baseName,
      base,
      ...(baseError !== undefined ? { baseError } : {}),
      instructions: s.commands.map(toInstruction),
    };
  });
  const refs: StageRefs[] = df.stages.map((s, i) => ({
    ...(s.name !== undefined ? { name: s.name } : {}),
    base: stages[i]!.base,
    copyFrom: s.commands.flatMap((c) => (c.kind === 'COPY' && c.from !== undefined ? [c.from] : c.kind === 'RUN' ? mountStages(c.mounts) : [])),
  }));
  const names = new Set<string>();
  for (const r of refs) {
    if (r.name === undefined) continue;
    if (names.has(r.name)) throw new InvalidArgument(`${r.name} stage name already used`);
    names.add(r.name);
  }
  const deps = stageDependencies(refs);
  const target = targetIndex(refs, options.target);
  const last = stages[target]!;
  for (const k of Object.keys(options.labels).sort()) {
    last.instructions.push({ op: 'LABEL', text: `LABEL ${k}=${options.labels[k]}`, line: last.fromLine, pairs: [{ key: k, value: options.labels[k]! }] });
  }
  return {
    metaArgs: df.metaArgs.map((a) => a.original.trim()),
    stages,
    refs,
    deps,
    target,
    needed: neededStages(deps, target),
    frontend,
    warnings: [
      ...(note ? [{ text: note }] : []),
      ...(df.warnings.length
        ? [{ text: [...df.warnings.map((w) => `[WARNING]: ${w.message}\n`), '[WARNING]: Empty continuation lines will become errors in a future release.\n'].join(''), stderr: true }]
        : []),
    ],
  };
}
