import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BuildTimelineStep } from '../../api/types/build.js';
import { criticalPath, timelineHtml } from './timeline-html.js';

const st = (step: number, stage: number, start: number, end: number, cached = false): BuildTimelineStep => ({ step, stage, text: `S${step}`, start, end, cached });

describe('build timeline', () => {
  // Stages 0 and 1 run side by side; stage 2 waits for both (1 ends last).
  const steps = [st(1, 0, 0, 10), st(2, 0, 10, 500), st(3, 1, 0, 10, true), st(4, 1, 10, 900), st(5, 2, 905, 910), st(6, 2, 910, 1000)];
  it('follows the stage that was waited for', () => {
    assert.deepEqual([...criticalPath(steps)].sort(), [3, 4, 5, 6]);
  });
  it('draws a lane per stage, bars with hover text, cached and critical marks', () => {
    const html = timelineHtml({ total: 1000, steps: [...steps.slice(0, 3), { ...steps[3]!, reason: 'file a changed' }, ...steps.slice(4)] }, 't');
    assert.equal((html.match(/<g class="lane"/g) ?? []).length, 3);
    assert.equal((html.match(/class="bar cached/g) ?? []).length, 1);
    assert.equal((html.match(/ critical"/g) ?? []).length, 4);
    assert.match(html, /<title>Step 4: S4\n0\.9s\nCACHE MISS: file a changed<\/title>/);
    assert.ok(!/<script|https?:\/\/(?!www\.w3\.org)/.test(html), 'self-contained');
  });
});
