/**
 * @module engine/containers/network
 * The one place where a container meets the network engine: `joinNetwork` after the runtime
 * created the process (its network namespace exists, nothing has run yet) and before it
 * starts; `leaveNetwork` once its process has ended (or its start failed after joining). A
 * container engine without a network engine (`deps.network` absent) gives containers only
 * what their network mode alone gives (`none`, `host`).
 */
import type { CreatedProcess } from '../../runtime/types.js';
import { logger } from '../../util/log.js';
import type { ContainerContext } from './context.js';
import type { ContainerRecord } from './record.js';

const log = logger('containers');

/** Connects the created, not yet running, process to its networks (failures fail the start). */
export async function joinNetwork(ctx: Pick<ContainerContext, 'deps'>, rec: ContainerRecord, created: CreatedProcess): Promise<void> {
  await ctx.deps.network?.connect(rec, { pid: created.pid, netnsPath: created.netnsPath });
}

/** Releases what joinNetwork took (nothing when it took nothing); failures are logged. */
export async function leaveNetwork(ctx: Pick<ContainerContext, 'deps'>, id: string): Promise<void> {
  await ctx.deps.network?.release(id).catch((e) => log.warn('releasing the network of a container', { id, error: String(e) }));
}
