/**
 * @module builder/steps/containers
 * Docker's rule for intermediate containers: after a step that succeeded they are removed when
 * `--rm` (the default) is on; after a step that failed, only with `--force-rm`. Removal prints
 * `Removing intermediate container <id>`. Config-only steps and WORKDIR get a container ID
 * (printed and recorded in the image) without a process ever running.
 */
import { logger } from '../../util/log.js';
import type { ContainerConfig } from '../../image/config.js';
import type { StepContainer } from '../types.js';
import type { StepContext } from '../solver/step-context.js';

const log = logger('build');

/**
 * Runs the step's work, then removes (or keeps) its container as Docker would. `unstarted`
 * describes the container of a step that runs no process (kept as a Created container).
 */
export async function finishContainer(
  ctx: StepContext,
  id: string,
  container: StepContainer | undefined,
  work: () => Promise<void>,
  unstarted?: { imageId: string; config: ContainerConfig },
): Promise<void> {
  const { remove, forceRemove } = ctx.run.options;
  let failed = false;
  try {
    await work();
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    if (forceRemove || (remove && !failed)) {
      try {
        await container?.remove();
      } catch (e) {
        log.warn('cannot remove intermediate container', { id, error: String(e) });
      }
      ctx.emit({ kind: 'removed', id });
    } else {
      try {
        if (container) await container.keep();
        else if (unstarted) await ctx.run.backend.runner.keepUnstarted({ id, imageId: unstarted.imageId, config: unstarted.config });
      } catch (e) {
        log.warn('cannot keep intermediate container', { id, error: String(e) });
      }
    }
  }
}
