import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContainerWaiters, PendingAttaches } from './waiters.js';

describe('ContainerWaiters', () => {
  it('tells each waiter once, per container and event; unregistered waiters hear nothing', () => {
    const w = new ContainerWaiters();
    const seen: string[] = [];
    w.onExit('a', (r) => seen.push(`exit a ${r.StatusCode}`));
    w.onExit('b', () => seen.push('exit b'));
    const off = w.onRemoved('a', () => seen.push('removed a (withdrawn)'));
    w.onRemoved('a', (r) => seen.push(`removed a ${r.StatusCode}`));
    w.onGone('a', () => seen.push('gone a'));
    off();
    w.exited('a', { Error: null, StatusCode: 2 });
    w.exited('a', { Error: null, StatusCode: 3 });
    w.gone('a');
    w.removed('a', { Error: null, StatusCode: 2 });
    assert.deepEqual(seen, ['exit a 2', 'gone a', 'removed a 2']);
  });
});

describe('PendingAttaches', () => {
  it('hands the attaches of a container to its next start, once; withdrawn ones are not handed', () => {
    const p = new PendingAttaches();
    const a = { connect: async () => {} };
    const b = { connect: async () => {} };
    p.add('x', a);
    const withdraw = p.add('x', b);
    withdraw();
    assert.deepEqual(p.take('x'), [a]);
    assert.deepEqual(p.take('x'), []);
  });
});
