/**
 * @module engine/networks/step-networking
 * The default network for build RUN steps (engine/build's StepNetworking) on a NetworkManager:
 * each step container joins `bridge` as a container does — an address, a gateway, the host's
 * resolvers — with no published ports, and releases it when its process has ended. A daemon
 * restart releases what a step left (`reconcile`: step containers are never running containers).
 */
import { etcSettings } from '../../network/etc-files.js';
import type { NetworkManager } from '../../network/types.js';
import type { StepNetworking } from '../build/runtime-runner.js';

export function bridgeStepNetworking(net: Pick<NetworkManager, 'attach' | 'detach' | 'list'>): StepNetworking {
  return {
    join: async (stepId) => {
      const a = await net.attach({ containerId: stepId, containerName: stepId.slice(0, 12), networks: [{ network: 'bridge' }], ports: [] });
      const etc = etcSettings(a, (id) => net.list().find((n) => n.Id === id));
      return { netnsPath: a.netnsPath, addresses: etc.addresses, ...(etc.nameservers ? { nameservers: etc.nameservers } : {}) };
    },
    leave: (stepId) => net.detach(stepId),
  };
}
