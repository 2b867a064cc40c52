/**
 * @module engine/networks/step-networking
 * The default network for build RUN steps (engine/build's StepNetworking) on a NetworkManager:
 * each step container joins `bridge` as a container does — an address, a gateway, the host's
 * resolvers — with no published ports.
 *
 * A namespace on the bridge costs a netavark setup and teardown (dozens of iptables runs, a
 * second or more on a busy host), so a step's namespace is not torn down when it ends: it waits,
 * idle, for the build's next step (steps of one stage run one after another; nothing of a step
 * outlives its process in it). `releaseIdle` (at the end of each build and at shutdown), or
 * `idleMs` without use, releases the idle ones. A daemon restart releases what is left
 * (`reconcile`: step namespaces never belong to running containers).
 */
import { etcSettings } from '../../network/etc-files.js';
import type { NetworkManager } from '../../network/types.js';
import { logger } from '../../util/log.js';
import type { StepNetworking } from '../build/runtime-runner.js';

const log = logger('build');

type Joined = Awaited<ReturnType<StepNetworking['join']>>;

interface Held {
  /** The attachment's key (the ID of the step that made it). */
  key: string;
  joined: Joined;
  timer?: NodeJS.Timeout;
}

export interface PooledStepNetworking extends StepNetworking {
  /** Releases every idle namespace now (never fails: a failure is logged). */
  releaseIdle(): Promise<void>;
}

export function bridgeStepNetworking(net: Pick<NetworkManager, 'attach' | 'detach' | 'list'>, opts: { idleMs?: number } = {}): PooledStepNetworking {
  const idleMs = opts.idleMs ?? 10_000;
  const idle: Held[] = [];
  const inUse = new Map<string, Held>();
  const release = async (h: Held) => {
    clearTimeout(h.timer);
    const i = idle.indexOf(h);
    if (i >= 0) idle.splice(i, 1);
    await net.detach(h.key).catch((e) => log.warn('releasing the network of build steps', { error: String(e) }));
  };
  return {
    join: async (stepId) => {
      const reused = idle.pop();
      if (reused) {
        clearTimeout(reused.timer);
        inUse.set(stepId, reused);
        return reused.joined;
      }
      const a = await net.attach({ containerId: stepId, containerName: stepId.slice(0, 12), networks: [{ network: 'bridge' }], ports: [] });
      const etc = etcSettings(a, (id) => net.list().find((n) => n.Id === id));
      const held: Held = { key: stepId, joined: { netnsPath: a.netnsPath, addresses: etc.addresses, ...(etc.nameservers ? { nameservers: etc.nameservers } : {}) } };
      inUse.set(stepId, held);
      return held.joined;
    },
    leave: async (stepId) => {
      const h = inUse.get(stepId);
      if (!h) return;
      inUse.delete(stepId);
      h.timer = setTimeout(() => void release(h), idleMs);
      h.timer.unref();
      idle.push(h);
    },
    releaseIdle: async () => {
      for (const h of [...idle]) await release(h);
    },
  };
}
