import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent } from '../events/event-log.js';
import { volumesMounted, volumesUnmount } from './events.js';
import type { ContainerRecord } from './record.js';

const rec = {
  ID: 'c1',
  Mounts: [
    { Type: 'volume', Name: 'data', Destination: '/data', Driver: 'local', RW: true, Propagation: '' },
    { Type: 'bind', Source: '/tmp', Destination: '/h', RW: true },
    { Type: 'volume', Name: 'ro', Destination: '/ro', Driver: 'local', RW: false, Propagation: '' },
  ],
} as unknown as ContainerRecord;

test("volume mount and unmount events: each volume (no bind), once per run, the run that ends even if a restart mounted again", () => {
  const seen: EngineEvent[] = [];
  const ctx = { deps: { events: (e: EngineEvent) => void seen.push(e) } } as unknown as Parameters<typeof volumesMounted>[0];
  volumesMounted(ctx, rec);
  assert.deepEqual(seen.map((e) => `${e.action} ${e.id}`), ['mount data', 'mount ro']);
  assert.deepEqual(seen[1]!.attributes, { container: 'c1', destination: '/ro', driver: 'local', propagation: '', 'read/write': 'false' });
  seen.length = 0;
  const unmount = volumesUnmount(ctx, rec);
  volumesMounted(ctx, rec);
  unmount();
  assert.deepEqual(seen.map((e) => `${e.action} ${e.id}`), ['mount data', 'mount ro', 'unmount data', 'unmount ro']);
  assert.deepEqual(seen[2]!.attributes, { container: 'c1', driver: 'local' });
  seen.length = 0;
  volumesUnmount(ctx, rec)();
  volumesUnmount(ctx, rec)();
  assert.deepEqual(seen.map((e) => e.action), ['unmount', 'unmount'], 'the second run unmounts once');
});
