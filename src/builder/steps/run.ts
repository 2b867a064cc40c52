/**
 * @module builder/steps/run
 * RUN: the command runs in an intermediate container on the stage's image; the container's
 * overlay upper directory becomes the layer (none when the command changed no files).
 *
 * As in Docker: the shell form goes through SHELL; build args in scope reach the process's
 * environment and are recorded in history as `|N K=V … cmd` (which is also what the cache
 * compares); an inherited ENTRYPOINT is ignored and healthchecks are off in the container;
 * a non-zero exit fails the build with `The command '…' returned a non-zero code: N`.
 * Heredocs follow BuildKit (resolved by the frontend): a lone `<<EOF` runs its body, as an
 * executable file at /dev/pipes/<name> when it starts with `#!`.
 */
import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { logger } from '../../util/log.js';
import { InvalidArgument } from '../../errdefs/index.js';
import { isBuiltinNetworkMode } from '../../network/modes.js';
import { StepFailed } from '../errors.js';
import { commitStep, probeCache, stepKey } from '../solver/probe-commit.js';
import { copyRunConfig, type StageState } from '../solver/state.js';
import type { StepContext } from '../solver/step-context.js';
import { prepareMounts } from '../mounts/prepare-mounts.js';
import { resolveMounts } from '../mounts/mount-inputs.js';
import { checkInsecure } from '../mounts/entitlements.js';
import { finishContainer } from './containers.js';
import { resolveCmdLine } from './metadata.js';
import type { InstructionOf } from './types.js';

type RunInstruction = InstructionOf<'RUN'>;

const log = logger('build');

export async function runStep(ctx: StepContext, state: StageState, ins: RunInstruction): Promise<void> {
  const run = ctx.run;
  if (ins.security === 'insecure') checkInsecure(run);
  const mounts = ins.mounts.length ? await resolveMounts(ctx, state, ins.mounts) : undefined;
  const network = ins.networkSet ? ins.network : run.options.networkMode;
  if (!isBuiltinNetworkMode(network)) throw new InvalidArgument(`unsupported network mode ${network}: use default, none or host`);

  const cmd = resolveCmdLine(ins, state.shell());
  const buildArgs = state.vars.runBuildArgs();
  const saveCmd = buildArgs.length ? [`|${buildArgs.length}`, ...buildArgs, ...cmd] : cmd;
  const probeConfig = copyRunConfig(state.runConfig, (c) => {
    c.Cmd = saveCmd;
    if (saveCmd.length) c.Entrypoint = null;
  });
  const key = stepKey(state, {
    instruction: `RUN ${JSON.stringify(saveCmd)}`,
    args: buildArgs.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]),
    extra: [
      ...(ins.networkSet ? [['network', ins.network] as [string, string]] : []),
      ...(ins.executable ? [['script', ins.executable.data] as [string, string]] : []),
      ...(ins.security === 'insecure' ? [['security', 'insecure'] as [string, string]] : []),
      ...(mounts?.key ?? []),
    ],
  });
  if (await probeCache(ctx, state, key, probeConfig)) return;

  const env = state.vars.runEnv(state.runConfig.Env ?? []);
  const containerConfig = copyRunConfig(state.runConfig, (c) => {
    c.Cmd = cmd;
    c.Env = env;
    c.Entrypoint = null;
    c.Healthcheck = { Test: ['NONE'] };
  });
  // `RUN []`: dockerd creates the step's container with no command, so it runs the image's own
  // entrypoint and command, and refuses when there are none.
  const argv = cmd.length ? cmd : [...(state.runConfig.Entrypoint ?? []), ...(state.runConfig.Cmd ?? [])];
  if (argv.length === 0) throw new InvalidArgument('No command specified');
  const top = state.imageId ? run.backend.images.get(state.imageId)?.topChainId ?? null : null;
  const t0 = performance.now();
  const prepared = mounts ? await prepareMounts(ctx, mounts.inputs, run.backend.layers.lowerLinks(top)) : undefined;
  let container;
  try {
    container = await run.backend.runner.create({
      imageId: state.imageId,
      topChainId: top,
      argv,
      env,
      workingDir: state.runConfig.WorkingDir,
      user: state.runConfig.User,
      volumes: Object.keys(state.runConfig.Volumes ?? {}),
      networkMode: network,
      extraHosts: run.options.extraHosts,
      files: ins.executable ? [{ path: `/dev/pipes/${ins.executable.name}`, data: ins.executable.data, mode: 0o755 }] : [],
      config: containerConfig,
      ...(prepared ? { mounts: prepared.mounts, extraLowers: prepared.extraLowers, env: [...env, ...prepared.env], secretEnv: prepared.secretEnv } : {}),
      ...(ins.security === 'insecure' ? { privileged: true } : {}),
    });
  } catch (e) {
    await prepared?.release();
    throw e;
  }
  ctx.emit({ kind: 'container', id: container.id });
  await finishContainer(ctx, container.id, container, async () => {
    const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    const out = (stream: 'stdout' | 'stderr') => (b: Buffer) => {
      const data = decoders[stream].decode(b, { stream: true });
      if (data) ctx.emit({ kind: 'output', stream, data });
    };
    const t1 = performance.now();
    let code: number;
    try {
      code = await container.run({ stdout: out('stdout'), stderr: out('stderr') }, run.signal);
    } finally {
      await prepared?.release();
    }
    const t2 = performance.now();
    for (const s of ['stdout', 'stderr'] as const) {
      const rest = decoders[s].decode();
      if (rest) ctx.emit({ kind: 'output', stream: s, data: rest });
    }
    if (code !== 0) throw new StepFailed(`The command '${cmd.join(' ')}' returned a non-zero code: ${code}`, code);
    const upper = await container.takeUpperDir();
    const t3 = performance.now();
    const layer = readdirSync(upper).length ? await run.backend.layers.registerDir(top, upper, run.lease) : null;
    const t4 = performance.now();
    await commitStep(ctx, state, { containerId: container.id, containerConfig: probeConfig, layer, key });
    const ms = (a: number, b: number) => Math.round(b - a);
    log.debug('run step', { create: ms(t0, t1), run: ms(t1, t2), upper: ms(t2, t3), layer: ms(t3, t4), commit: ms(t4, performance.now()) });
  });
}
