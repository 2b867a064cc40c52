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

/** Containers whose volumes said `mount` and have not said `unmount` yet. */
const mounted = new WeakSet<ContainerRecord>();

/** At start, after the network's `connect`: each volume's `mount`, as dockerd sends it. */
export function volumesMounted(ctx: Pick<ContainerContext, 'deps'>, rec: ContainerRecord): void {
  for (const m of rec.Mounts) {
    if (m.Type !== 'volume' || !m.Name) continue;
    ctx.deps.events?.({
      type: 'volume', action: 'mount', id: m.Name,
      attributes: { container: rec.ID, destination: m.Destination, driver: m.Driver || 'local', propagation: m.Propagation ?? '', 'read/write': String(m.RW) },
    });
  }
  mounted.add(rec);
}

/**
 * As the exit begins (a restart may mount them again before it ends): the `unmount` events of
 * the run that ends, to send after its `die` and `disconnect`; nothing if none said `mount`.
 */
export function volumesUnmount(ctx: Pick<ContainerContext, 'deps'>, rec: ContainerRecord): () => void {
  if (!mounted.delete(rec)) return () => {};
  const volumes = rec.Mounts.filter((m) => m.Type === 'volume' && m.Name);
  return () => {
    for (const m of volumes) ctx.deps.events?.({ type: 'volume', action: 'unmount', id: m.Name!, attributes: { container: rec.ID, driver: m.Driver || 'local' } });
  };
}
