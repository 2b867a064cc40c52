/**
 * @module builder/steps/config-step
 * Runs a config-only instruction as Docker's legacy builder does: apply it, probe the cache,
 * and on a miss commit an image with no new layer under an intermediate container ID
 * (` ---> Running in …` / `Removing intermediate container …`).
 */
import { commitStep, probeCache, stepKey } from '../solver/probe-commit.js';
import { newContainerId, withCmdComment, type StageState } from '../solver/state.js';
import type { StepContext } from '../solver/step-context.js';
import { finishContainer } from './containers.js';
import { applyMetadata, type MetadataOp } from './metadata.js';
import type { InstructionOf } from './types.js';

export async function configStep(ctx: StepContext, state: StageState, ins: InstructionOf<MetadataOp>, args: [string, string][]): Promise<void> {
  const r = applyMetadata(state, ins);
  for (const text of r.notes) ctx.emit({ kind: 'note', text });
  const cc = withCmdComment(state, r.comment);
  const key = stepKey(state, { instruction: r.comment, args });
  if (await probeCache(ctx, state, key)) return;
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
