import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restartDelay, RestartScheduler } from './restarts.js';

describe('restart back-off', () => {
  it('starts at 100 ms, doubles while runs are short, stops at a minute, and starts over after a long run', () => {
    const seen: number[] = [];
    let d = 0;
    for (let i = 0; i < 12; i++) seen.push((d = restartDelay(d, 50)));
    assert.deepEqual(seen, [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000]);
    assert.equal(restartDelay(60000, 10_000), 100);
  });

  it('keeps one pending restart per container; cancel and reset drop it', async () => {
    const s = new RestartScheduler();
    let ran = 0;
    assert.equal(s.schedule('a', 0, () => ran++), 100);
    assert.equal(s.pending('a'), true);
    assert.equal(s.cancel('a'), true);
    assert.equal(s.cancel('a'), false);
    assert.equal(s.schedule('a', 0, () => ran++), 200, 'the back-off grows across cancelled restarts');
    s.reset('a');
    assert.equal(s.pending('a'), false);
    assert.equal(s.schedule('a', 0, () => ran++), 100);
    const end = Date.now() + 10_000;
    while (ran === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    assert.equal(ran, 1);
    assert.equal(s.pending('a'), false);
    s.close();
  });
});
