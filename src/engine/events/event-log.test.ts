import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLog, pruneEvent, toMessage } from './event-log.js';

test('a prune event: no actor ID, the bytes reclaimed as a string', () => {
  assert.deepEqual(pruneEvent('volume', 3000), { type: 'volume', action: 'prune', id: '', attributes: { reclaimed: '3000' } });
  assert.deepEqual(pruneEvent('network', 0).attributes, { reclaimed: '0' });
});

test('legacy fields as dockerd sends them: only for containers and images, an empty id or from left out', () => {
  const ns = 1_700_000_000_123_456_789n;
  const container = toMessage(pruneEvent('container', 5000), ns);
  assert.deepEqual(container, {
    status: 'prune', Type: 'container', Action: 'prune', Actor: { ID: '', Attributes: { reclaimed: '5000' } }, scope: 'local',
    time: 1_700_000_000, timeNano: Number(ns),
  });
  assert.equal('id' in container, false);
  const destroy = toMessage({ type: 'container', action: 'destroy', id: 'abc', from: 'busybox', attributes: { name: 'x' } }, ns);
  assert.equal(destroy.id, 'abc');
  assert.equal(destroy.from, 'busybox');
  const volume = toMessage(pruneEvent('volume', 1), ns);
  assert.equal('status' in volume, false);
  assert.equal(volume.Type, 'volume');
});

test('a prune event after the removals it follows, in the order recorded', async () => {
  const log = new EventLog();
  log.sink({ type: 'network', action: 'destroy', id: 'n1', attributes: { name: 'pn1', type: 'bridge' } });
  log.sink(pruneEvent('network', 0));
  const seen: string[] = [];
  for await (const m of log.subscribe({ sinceNs: 0n, untilNs: BigInt(Date.now() + 1000) * 1_000_000n, filter: (x) => x.Type === 'network', signal: AbortSignal.timeout(50) })) {
    seen.push(`${m.Type} ${m.Action}`);
    if (seen.length === 2) break;
  }
  assert.deepEqual(seen, ['network destroy', 'network prune']);
});
