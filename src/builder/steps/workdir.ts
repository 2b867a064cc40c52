/**
 * @module builder/steps/workdir
 * WORKDIR: the new directory is relative to the previous one; Docker creates it (0755, root)
 * when missing, in an intermediate container, so a WORKDIR that creates its directory is a real
 * layer (even on scratch) and one that names an existing directory is an empty layer.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { InvalidArgument } from '../../errdefs/index.js';
import { assertNoSymlinks } from '../../util/in-root.js';
import { writableView } from '../rootfs/overlay.js';
import { resolveInScope } from '../rootfs/scope.js';
import { commitStep, probeCache, stepKey, topChain } from '../solver/probe-commit.js';
import { newContainerId, withCmdCommentString, type StageState } from '../solver/state.js';
import type { StepContext } from '../solver/step-context.js';
import { finishContainer } from './containers.js';
import { mkdirAll } from './copy-files.js';
import type { InstructionOf } from './types.js';
import { dirLinkReader } from './view-reader.js';

/** Docker's normalizeWorkdir on Linux: an absolute path is kept as written (`/go/src/build/` keeps its slash), a relative one is joined and cleaned. */
export function normalizeWorkdir(current: string, requested: string): string {
  if (requested === '') throw new InvalidArgument('cannot normalize nothing');
  return requested.startsWith('/') ? requested : posix.join('/', current || '/', requested).replace(/(.)\/$/, '$1');
}

export async function workdirStep(ctx: StepContext, state: StageState, ins: InstructionOf<'WORKDIR'>, args: [string, string][]): Promise<void> {
  state.runConfig.WorkingDir = normalizeWorkdir(state.runConfig.WorkingDir, ins.path);
  const comment = `WORKDIR ${state.runConfig.WorkingDir}`;
  const cc = withCmdCommentString(state, comment);
  const key = stepKey(state, { instruction: comment, args });
  if (await probeCache(ctx, state, key, cc)) return;
  const run = ctx.run;
  const id = newContainerId();
  ctx.emit({ kind: 'container', id });
  cc.Hostname = id.slice(0, 12);
  cc.Labels ??= {};
  const parentImage = state.imageId;
  await finishContainer(ctx, id, undefined, async () => {
    const layers = run.backend.layers;
    const parent = topChain(ctx, state);
    const view = writableView(layers.root, layers.lowerLinks(parent), run.scratch);
    try {
      const rel = resolveInScope(state.runConfig.WorkingDir, dirLinkReader(view.path), { strict: false, followLast: true });
      assertNoSymlinks(view.path, rel);
      if (rel) mkdirAll(join(view.path, rel), { uid: 0, gid: 0 });
      else mkdirSync(view.path, { recursive: true });
    } finally {
      await view.release();
    }
    const layer = readdirSync(view.upper).length ? await layers.registerDir(parent, view.upper, run.lease) : null;
    await commitStep(ctx, state, { containerId: id, containerConfig: cc, layer, key });
  }, { imageId: parentImage, config: cc });
}
