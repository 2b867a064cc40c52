/**
 * @module builder/solver/stage-runner
 * Runs one stage: its FROM (an image, `scratch`, or a finished stage), the base image's ONBUILD
 * triggers (inside the FROM step, as Docker runs them), then each instruction as a numbered
 * step ending in ` ---> <image>`; finally the stage's image is reported (`aux`).
 */
import { performance } from 'node:perf_hooks';
import { Cancelled, InvalidArgument } from '../../errdefs/index.js';
import { logger } from '../../util/log.js';
import type { ImageConfig } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import type { BuildEventSink } from '../events.js';
import type { PlannedStage } from '../plan/plan.js';
import { resolveBase, type StageRefs } from '../plan/stage-graph.js';
import { dispatch, isConfigOnly } from './dispatch.js';
import { stepExplainer, type StageMisses } from './explain-cache.js';
import { commitFolded } from './fold.js';
import { StageState } from './state.js';
import type { BuildRun, StageResult, StepContext, StepEvent } from './step-context.js';

const log = logger('build');

function stepContext(run: BuildRun, sink: BuildEventSink, step: number, slot?: { stage: number; position: string; first: boolean; misses: StageMisses }): StepContext {
  const emit = (e: StepEvent) => sink({ ...e, step } as Parameters<BuildEventSink>[0]);
  if (!slot) return { run, emit };
  return { run, emit, explain: stepExplainer(run, slot.stage, slot.position, step, slot.first, slot.misses, emit) };
}

async function baseOf(
  run: BuildRun, refs: readonly StageRefs[], stage: PlannedStage, note: (text: string) => void,
): Promise<{ id: Digest | ''; config: ImageConfig | undefined }> {
  const b = resolveBase(refs, stage.index);
  if ('scratch' in b) return { id: '', config: undefined };
  if ('stage' in b) {
    const r = run.stages.get(b.stage)!;
    return { id: r.id, config: r.config };
  }
  const img = await run.backend.images.resolveForBuild(b.image, run.options.pull, note, run.options.registryAuths);
  return { id: img.record.id, config: img.config };
}

/** Runs a stage; `firstStep` is the number of its FROM step, `total` the build's step count. */
export async function runStage(
  run: BuildRun,
  refs: readonly StageRefs[],
  stage: PlannedStage,
  firstStep: number,
  total: number,
  sink: BuildEventSink,
): Promise<StageResult> {
  let step = firstStep;
  sink({ kind: 'step', step, total, stage: stage.index, text: stage.fromText });
  if (stage.baseError !== undefined) throw new InvalidArgument(stage.baseError);
  const base = await baseOf(run, refs, stage, (text) => sink({ kind: 'note', step, text }));
  const misses: StageMisses = {};
  const state = new StageState(stage.index, stage.name, base, (env) => run.frontend.stageVars(env));
  const triggers = state.runConfig.OnBuild ?? [];
  if (triggers.length) {
    state.runConfig.OnBuild = null;
    sink({ kind: 'triggers', step, count: triggers.length });
    for (const [n, t] of triggers.entries()) {
      await dispatch(stepContext(run, sink, step, { stage: stage.index, position: `onbuild ${n}`, first: n === 0, misses }), state, run.frontend.parseTrigger(t, stage.fromLine));
    }
    const ctx = stepContext(run, sink, step);
    await commitFolded(ctx, state);
  }
  state.syncImage();
  sink({ kind: 'image', step, id: state.imageId });
  for (const [i, ins] of stage.instructions.entries()) {
    if (run.signal.aborted) throw new Cancelled('Build cancelled');
    step++;
    sink({ kind: 'step', step, total, stage: stage.index, text: ins.text });
    const t0 = performance.now();
    const ctx = stepContext(run, sink, step, { stage: stage.index, position: String(i), first: i === 0 && !triggers.length, misses });
    await dispatch(ctx, state, ins);
    // A run of folded config-only steps commits at its last step (see fold.ts).
    const next = stage.instructions[i + 1];
    if (state.folded.length && !(next && isConfigOnly(next.op))) await commitFolded(ctx, state);
    log.debug('step', { step, op: ins.op, ms: Math.round(performance.now() - t0) });
    state.syncImage();
    sink(state.folded.length ? { kind: 'folded', step } : { kind: 'image', step, id: state.imageId });
  }
  sink({ kind: 'stage', stage: stage.index, id: state.imageId });
  return { id: state.imageId, config: state.image };
}
