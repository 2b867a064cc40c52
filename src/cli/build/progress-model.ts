/**
 * @module cli/build/progress-model
 * The state the live build views draw: one row per step (its text, when it started and ended,
 * whether it came from the cache, the last lines of its output), built from the daemon's
 * structured events (`events=1`). Time is passed in, so views are testable.
 */
import type { BuildProgressEvent } from '../../api/types/build.js';

export interface StepRow {
  step: number;
  total: number;
  text: string;
  started: number;
  ended?: number;
  cached: boolean;
  /** Why the step missed the cache (berth's `cache-miss` event). */
  missReason?: string;
  failed: boolean;
  /** Complete output lines (the last few are shown while the step runs). */
  lines: string[];
  /** An unfinished output line. */
  partial: string;
}

export const KEEP_LINES = 6;

export class BuildProgress {
  readonly started: number;
  readonly rows: StepRow[] = [];
  readonly #byStep = new Map<number, StepRow>();
  warnings: string[] = [];
  imageId: string | undefined;
  tags: string[] = [];
  ended: number | undefined;
  total = 0;

  constructor(now: number) {
    this.started = now;
  }

  row(step: number): StepRow | undefined {
    return this.#byStep.get(step);
  }

  /** Applies one event; returns the row it touched, if any. */
  apply(e: BuildProgressEvent, now: number): StepRow | undefined {
    switch (e.kind) {
      case 'step': {
        // A step starts: every earlier step still open is done (held stages finish in order).
        const r: StepRow = { step: e.step, total: e.total, text: e.text, started: now, cached: false, failed: false, lines: [], partial: '' };
        this.total = e.total;
        this.rows.push(r);
        this.#byStep.set(e.step, r);
        return r;
      }
      case 'cached': {
        const r = this.#byStep.get(e.step);
        if (r) r.cached = true;
        return r;
      }
      case 'cache-miss': {
        const r = this.#byStep.get(e.step);
        if (r) r.missReason = r.missReason ?? e.reason;
        return r;
      }
      case 'output': {
        const r = this.#byStep.get(e.step);
        if (!r) return undefined;
        const text = r.partial + e.data.replace(/\r\n/g, '\n');
        const parts = text.split('\n');
        r.partial = parts.pop()!;
        for (const p of parts) r.lines.push(p);
        if (r.lines.length > 200) r.lines.splice(0, r.lines.length - 200);
        return r;
      }
      case 'image':
      case 'folded': {
        const r = this.#byStep.get(e.step);
        if (r) r.ended = now;
        return r;
      }
      case 'warning':
        this.warnings.push(e.text);
        return undefined;
      case 'built':
        this.imageId = e.id;
        return undefined;
      case 'tagged':
        this.tags.push(e.name);
        return undefined;
      default:
        return this.#byStep.get((e as { step?: number }).step ?? -1);
    }
  }

  /** Marks the build as ended; an open step (the failing one) is marked failed. */
  finish(now: number, failed: boolean): void {
    this.ended = now;
    for (const r of this.rows) {
      if (r.ended === undefined) {
        r.ended = now;
        if (failed) r.failed = true;
      }
      if (r.partial) {
        r.lines.push(r.partial);
        r.partial = '';
      }
    }
  }

  /** Steps done (for the `(4/7)` counter). */
  done(): number {
    return this.rows.filter((r) => r.ended !== undefined).length;
  }
}

/** Seconds as BuildKit prints them: `0.0s`, `12.3s`. */
export function secs(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}
