import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Attachment, AttachRequest, NetworkRecord } from '../../network/types.js';
import { bridgeStepNetworking } from './step-networking.js';

function fakeNet() {
  const attached = new Map<string, Attachment>();
  const calls: string[] = [];
  let n = 2;
  const bridge = { Id: 'b'.repeat(64), Name: 'bridge', Driver: 'bridge', Options: { 'com.docker.network.bridge.default_bridge': 'true' } } as unknown as NetworkRecord;
  return {
    calls,
    attached,
    list: () => [bridge],
    attach: async (req: AttachRequest) => {
      calls.push(`attach ${req.containerId}`);
      const a: Attachment = {
        containerId: req.containerId, containerName: req.containerName, netnsPath: `/netns/${req.containerId}`, ports: [],
        endpoints: [{
          networkId: bridge.Id, networkName: 'bridge', endpointId: 'e', ipAddress: `10.0.0.${n++}`, prefixLen: 24, gateway: '10.0.0.1',
          macAddress: '', aliases: [], dnsNames: [], interfaceName: 'eth0',
        }],
      };
      attached.set(req.containerId, a);
      return a;
    },
    detach: async (id: string) => {
      calls.push(`detach ${id}`);
      attached.delete(id);
    },
  };
}

test('a step\'s namespace waits for the next step; concurrent steps get their own; releaseIdle detaches the idle ones', async () => {
  const net = fakeNet();
  const s = bridgeStepNetworking(net, { idleMs: 60_000 });
  const first = await s.join('s1');
  assert.deepEqual(first, { netnsPath: '/netns/s1', addresses: ['10.0.0.2'] }, 'the default bridge: the host\'s resolvers');
  await s.leave('s1');
  assert.deepEqual(await s.join('s2'), first, 'the next step reuses it');
  const other = await s.join('s3');
  assert.equal(other.netnsPath, '/netns/s3', 'a step running meanwhile gets its own');
  await s.leave('s2');
  await s.leave('s3');
  await s.leave('s3');
  assert.deepEqual(net.calls, ['attach s1', 'attach s3']);
  await s.releaseIdle();
  assert.deepEqual(net.calls.slice(2).sort(), ['detach s1', 'detach s3']);
  assert.equal(net.attached.size, 0);
  await s.releaseIdle();
  assert.equal(net.calls.length, 4);
});

test('an idle namespace goes after idleMs without use', async () => {
  const net = fakeNet();
  const s = bridgeStepNetworking(net, { idleMs: 20 });
  await s.join('a');
  await s.leave('a');
  assert.deepEqual(net.calls, ['attach a'], 'not at once');
  const end = Date.now() + 10_000;
  while (net.calls.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(net.calls, ['attach a', 'detach a']);
  await s.join('b');
  assert.deepEqual(net.calls, ['attach a', 'detach a', 'attach b']);
  await s.leave('b');
  await s.releaseIdle();
});
