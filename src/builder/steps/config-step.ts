/**
 * @module builder/steps/config-step
 * Runs a config-only instruction as Docker's legacy builder does: apply it, probe the cache,
 * and on a miss commit an image with no new layer under an intermediate container ID
 * (` ---> Running in …` / `Removing intermediate container …`). Past a run of such steps,
 * steps fold into the run's last image (solver/fold.ts).
 */
import { foldStep, foldedKey, folds } from '../solver/fold.js';
import { commitStep, probeCache, stepKey } from '../solver/probe-commit.js';
import { newContainerId, withCmdComment, type StageState } from '../solver/state.js';
import type { StepContext } from '../solver/step-context.js';
import { finishContainer } from './containers.js';
import { applyMetadata, type MetadataOp } from './metadata.js';
import type { InstructionOf } from './types.js';

export async function configStep(ctx: StepContext, state: StageState, ins: InstructionOf<MetadataOp>, args: [string, string][]): Promise<void> {
  const r = applyMetadata(state, ins);
  for (const text of r.notes) ctx.emit({ kind: 'note', text });
  state.configRun++;
  if (folds(state)) return foldedStep(ctx, state, r.comment, args);
  const cc = withCmdComment(state, r.comment);
  const key = stepKey(state, { instruction: r.comment, args });
  if (await probeCache(ctx, state, key, cc)) return;
  const id = newContainerId();
  ctx.emit({ kind: 'container', id });
  cc.Hostname = id.slice(0, 12);
  cc.Labels ??= {};
  const parent = state.imageId;
  await finishContainer(ctx, id, undefined, () => commitStep(ctx, state, { containerId: id, containerConfig: cc, layer: null, key }).then(() => {}), {
    imageId: parent,
    config: cc,
  });
}

/** A folded step: recorded for the run's commit; its container is only named (or kept). */
async function foldedStep(ctx: StepContext, state: StageState, comment: string, args: [string, string][]): Promise<void> {
  const key = foldedKey(state, () => stepKey(state, { instruction: comment, args }), comment, args);
  const id = newContainerId();
  if (await foldStep(ctx, state, key, comment, id)) return;
  ctx.emit({ kind: 'container', id });
  const { remove, forceRemove } = ctx.run.options;
  const unstarted = remove || forceRemove ? undefined : { imageId: state.imageId, config: withCmdComment(state, comment) };
  await finishContainer(ctx, id, undefined, async () => {}, unstarted);
}
