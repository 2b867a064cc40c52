/**
 * @module build/steps/run
 * RUN: the command runs in an intermediate container on the stage's image; the container's
 * overlay upper directory becomes the layer (none when the command changed no files).
 *
 * As in Docker: the shell form goes through SHELL; build args in scope reach the process's
 * environment and are recorded in history as `|N K=V … cmd` (which is also what the cache
 * compares); an inherited ENTRYPOINT is ignored and healthchecks are off in the container;
 * a non-zero exit fails the build with `The command '…' returned a non-zero code: N`.
 * Heredocs follow BuildKit: a lone `<<EOF` runs its body (as a script file when it starts
 * with `#!`), other heredocs are handed to the shell as written.
 */
import { readdirSync } from 'node:fs';
import { InvalidArgument } from '../../errdefs/index.js';
import { StepFailed } from '../errors.js';
import { commitStep, probeCache, stepKey } from '../solver/probe-commit.js';
import { copyRunConfig, type StageState } from '../solver/state.js';
import type { StepContext } from '../solver/step-context.js';
import { finishContainer } from './containers.js';
import { resolveCmdLine } from './metadata.js';
import type { InstructionOf } from './types.js';

type RunInstruction = InstructionOf<'RUN'>;

/** The command line a RUN stands for (heredocs resolved), before SHELL is prepended. */
export function runCommandLine(ins: RunInstruction): { prependShell: boolean; cmdLine: string[] } {
  if (!ins.heredocs.length) return ins;
  if (ins.cmdLine.length !== 1 || !ins.prependShell) throw new InvalidArgument(`parsing produced an invalid run command: [${ins.cmdLine.join(' ')}]`);
  const line = ins.cmdLine[0]!;
  const only = /^\s*\d*<<-?\s*["']?([^"'\s]+)["']?\s*$/.exec(line);
  if (only && ins.heredocs.length === 1) {
    const data = ins.heredocs[0]!.content;
    if (data.startsWith('#!')) {
      // A script with its own interpreter: run it as a file.
      const q = `'${data.replace(/'/g, `'\\''`)}'`;
      return { prependShell: true, cmdLine: [`f=$(mktemp) && printf '%s' ${q} > "$f" && chmod +x "$f" && "$f"; s=$?; rm -f "$f"; exit $s`] };
    }
    return { prependShell: true, cmdLine: [data] };
  }
  let b = line;
  for (const f of ins.heredocs) b += `\n${f.content}${f.name}`;
  return { prependShell: true, cmdLine: [b] };
}

export async function runStep(ctx: StepContext, state: StageState, ins: RunInstruction): Promise<void> {
  const run = ctx.run;
  if (ins.mounts.length) throw new InvalidArgument('the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled');
  if (ins.security !== undefined) throw new InvalidArgument('the --security option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled');
  const network = ins.network ?? run.options.networkMode;
  if (!['', 'default', 'bridge', 'none', 'host'].includes(network)) throw new InvalidArgument(`unsupported network mode ${network}: use default, none or host`);

  const cmd = resolveCmdLine(runCommandLine(ins), state.shell());
  const buildArgs = state.vars.runBuildArgs();
  const saveCmd = buildArgs.length ? [`|${buildArgs.length}`, ...buildArgs, ...cmd] : cmd;
  const probeConfig = copyRunConfig(state.runConfig, (c) => {
    c.Cmd = saveCmd;
    if (saveCmd.length) c.Entrypoint = null;
  });
  const key = stepKey(state, {
    instruction: `RUN ${JSON.stringify(saveCmd)}`,
    args: buildArgs.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]),
    extra: ins.network !== undefined ? [['network', ins.network]] : [],
  });
  if (await probeCache(ctx, state, key)) return;

  const env = state.vars.runEnv(state.runConfig.Env ?? []);
  const containerConfig = copyRunConfig(state.runConfig, (c) => {
    c.Cmd = cmd;
    c.Env = env;
    c.Entrypoint = null;
    c.Healthcheck = { Test: ['NONE'] };
  });
  const top = state.imageId ? run.backend.images.get(state.imageId)?.topChainId ?? null : null;
  const container = await run.backend.runner.create({
    imageId: state.imageId,
    topChainId: top,
    argv: cmd,
    env,
    workingDir: state.runConfig.WorkingDir,
    user: state.runConfig.User,
    volumes: Object.keys(state.runConfig.Volumes ?? {}),
    networkMode: network,
    extraHosts: run.options.extraHosts,
    config: containerConfig,
  });
  ctx.emit({ kind: 'container', id: container.id });
  await finishContainer(ctx, container.id, container, async () => {
    const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    const out = (stream: 'stdout' | 'stderr') => (b: Buffer) => {
      const data = decoders[stream].decode(b, { stream: true });
      if (data) ctx.emit({ kind: 'output', stream, data });
    };
    const code = await container.run({ stdout: out('stdout'), stderr: out('stderr') }, run.signal);
    for (const s of ['stdout', 'stderr'] as const) {
      const rest = decoders[s].decode();
      if (rest) ctx.emit({ kind: 'output', stream: s, data: rest });
    }
    if (code !== 0) throw new StepFailed(`The command '${cmd.join(' ')}' returned a non-zero code: ${code}`, code);
    const upper = await container.takeUpperDir();
    const layer = readdirSync(upper).length ? await run.backend.layers.registerDir(top, upper, run.lease) : null;
    await commitStep(ctx, state, { containerId: container.id, containerConfig: probeConfig, layer, key });
  });
}
