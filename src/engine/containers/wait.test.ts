import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trackRelease } from './exit-release.js';
import type { ContainerRecord } from './record.js';
import { waitFor } from './wait.js';
import { ContainerWaiters } from './waiters.js';

const stopped = { ID: 'c1', State: { Running: false, Restarting: false, ExitCode: 7 } } as unknown as ContainerRecord;
const ctx = { store: { resolve: () => stopped }, waiters: new ContainerWaiters() } as unknown as Parameters<typeof waitFor>[0];

test('not-running of a stopped container answers once its exit is cleaned up', async () => {
  let release!: () => void;
  trackRelease(stopped, new Promise<void>((r) => (release = r)));
  let answered = false;
  const { result } = waitFor(ctx, 'c1', 'not-running');
  void result.then(() => (answered = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(answered, false, 'not while the exit is being released');
  release();
  assert.deepEqual(await result, { Error: null, StatusCode: 7 });
});

test('not-running of a container that never ran answers at once', async () => {
  const created = { ...stopped, ID: 'c2', State: { ...stopped.State, ExitCode: 0 } } as ContainerRecord;
  const c = { ...ctx, store: { resolve: () => created } } as unknown as Parameters<typeof waitFor>[0];
  assert.deepEqual(await waitFor(c, 'c2', 'not-running').result, { Error: null, StatusCode: 0 });
});
