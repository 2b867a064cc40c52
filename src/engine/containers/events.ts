/**
 * @module engine/containers/events
 * Container events as dockerd reports them: the Actor is the container, its attributes its
 * labels, `image` and `name`, plus what the action adds (`exitCode` for die, `signal` for kill).
 */
import type { ContainerContext } from './context.js';
import type { ContainerRecord } from './record.js';

export function containerEvent(ctx: Pick<ContainerContext, 'deps'>, rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
  const image = rec.Config.Image ?? '';
  ctx.deps.events?.({
    type: 'container', action, id: rec.ID, from: image,
    attributes: { ...(rec.Config.Labels ?? {}), image, name: rec.Name.replace(/^\//, ''), ...extra },
  });
}
