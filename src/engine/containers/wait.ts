/**
 * @module engine/containers/wait
 * POST /containers/{id}/wait: `not-running` (at once when stopped and its exit cleaned up), `next-exit`, `removed`.
 * The waiter is registered before the call returns, so an exit that happens while the API
 * flushes its headers is not missed.
 */
import type { WaitResponse } from '../../api/types/containers.js';
import { InvalidArgument } from '../../errdefs/index.js';
import type { ContainerContext } from './context.js';
import type { WaitCondition } from './types.js';
import { released } from './exit-release.js';

export function parseCondition(c: string | undefined): WaitCondition {
  if (!c || c === 'not-running') return 'not-running';
  if (c === 'next-exit' || c === 'removed') return c;
  throw new InvalidArgument(`invalid condition: "${c}"`);
}

export function waitFor(ctx: Pick<ContainerContext, 'store' | 'waiters'>, ref: string, condition: WaitCondition, signal?: AbortSignal): { result: Promise<WaitResponse> } {
  const rec = ctx.store.resolve(ref);
  if (condition === 'not-running' && !rec.State.Running && !rec.State.Restarting) {
    // An exit still being cleaned up answers once it is, as dockerd (its `disconnect` comes first).
    const code = rec.State.ExitCode;
    return { result: released(rec).then(() => ({ Error: null, StatusCode: code })) };
  }
  const result = new Promise<WaitResponse>((resolve) => {
    const onEvent = (r: WaitResponse) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const off = condition === 'removed' ? ctx.waiters.onRemoved(rec.ID, onEvent) : ctx.waiters.onExit(rec.ID, onEvent);
    const onAbort = () => {
      off();
      resolve({ Error: { Message: 'the client went away' }, StatusCode: -1 });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  return { result };
}
