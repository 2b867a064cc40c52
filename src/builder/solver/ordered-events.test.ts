import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BuildEvent } from '../events.js';
import { OrderedEvents } from './ordered-events.js';

const ev = (stage: number, text: string): BuildEvent => ({ kind: 'note', step: stage, text });

describe('OrderedEvents', () => {
  it('streams the first unfinished stage and holds the others back in order', () => {
    const out: string[] = [];
    const o = new OrderedEvents([0, 2, 3], (e) => out.push((e as { text: string }).text));
    const s0 = o.sink(0), s2 = o.sink(2), s3 = o.sink(3);
    s2(ev(2, 'b1'));
    s0(ev(0, 'a1'));
    s3(ev(3, 'c1'));
    s2(ev(2, 'b2'));
    assert.deepEqual(out, ['a1']);
    o.finish(3);
    assert.deepEqual(out, ['a1']);
    o.finish(0);
    assert.deepEqual(out, ['a1', 'b1', 'b2']);
    s2(ev(2, 'b3'));
    assert.deepEqual(out, ['a1', 'b1', 'b2', 'b3']);
    o.finish(2);
    assert.deepEqual(out, ['a1', 'b1', 'b2', 'b3', 'c1']);
    void ev;
  });

  it('shows everything held after a failure', () => {
    const out: string[] = [];
    const o = new OrderedEvents([0, 1], (e) => out.push((e as { text: string }).text));
    o.sink(1)(ev(1, 'x'));
    o.sink(0)(ev(0, 'y'));
    o.flushAll();
    assert.deepEqual(out, ['y', 'x']);
  });
});
