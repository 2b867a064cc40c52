/**
 * @module engine/build/timeline
 * Records a build's timeline (`timeline=1`, what `berth build --timeline` draws): each step's
 * stage, text, start and end (milliseconds since the build began, taken as the step runs, not
 * when its stage's output is shown), whether it came from the cache, and why it missed.
 */
import type { BuildTimeline, BuildTimelineStep } from '../../api/types/build.js';
import type { BuildEvent } from '../../builder/events.js';

export class TimelineRecorder {
  readonly #t0 = Date.now();
  readonly #steps = new Map<number, BuildTimelineStep>();

  observe(e: BuildEvent): void {
    const at = Date.now() - this.#t0;
    switch (e.kind) {
      case 'step':
        this.#steps.set(e.step, { step: e.step, stage: e.stage, text: e.text, start: at, end: at, cached: false });
        break;
      case 'cached': {
        const s = this.#steps.get(e.step);
        if (s) s.cached = true;
        break;
      }
      case 'cache-miss': {
        const s = this.#steps.get(e.step);
        if (s) s.reason ??= e.reason;
        break;
      }
      case 'image':
      case 'folded': {
        const s = this.#steps.get(e.step);
        if (s) s.end = at;
        break;
      }
      default:
        break;
    }
  }

  result(): BuildTimeline {
    return { total: Date.now() - this.#t0, steps: [...this.#steps.values()].sort((a, b) => a.step - b.step) };
  }
}
