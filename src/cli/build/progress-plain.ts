/**
 * @module cli/build/progress-plain
 * `--progress=plain`: a log-friendly view in BuildKit's style, one block per step:
 * `#3 [3/7] RUN make`, its output lines prefixed with the seconds since the step started,
 * then `#3 CACHED`, `#3 DONE 1.2s` or `#3 ERROR: …`.
 */
import type { BuildProgressEvent } from '../../api/types/build.js';
import { BuildProgress, secs } from './progress-model.js';

export class PlainProgress {
  readonly #model: BuildProgress;
  readonly #write: (s: string) => void;
  /** Text of steps whose header was printed. */
  readonly #shown = new Set<number>();

  constructor(write: (s: string) => void, now: number) {
    this.#model = new BuildProgress(now);
    this.#write = write;
  }

  event(e: BuildProgressEvent, now: number): void {
    const before = e.kind === 'output' ? this.#model.row(e.step)?.lines.length ?? 0 : 0;
    const r = this.#model.apply(e, now);
    switch (e.kind) {
      case 'step':
        this.#write(`#${e.step} [${e.step}/${e.total}] ${e.text}\n`);
        this.#shown.add(e.step);
        break;
      case 'cached':
        this.#write(`#${e.step} CACHED\n`);
        break;
      case 'cache-miss':
        this.#write(`#${e.step} CACHE MISS: ${e.reason}\n`);
        break;
      case 'output':
        if (r) for (const line of r.lines.slice(before)) this.#write(`#${e.step} ${secs(now - r.started).slice(0, -1)} ${line}\n`);
        break;
      case 'note':
        for (const line of e.text.split('\n').filter(Boolean)) this.#write(`#${e.step} ${line}\n`);
        break;
      case 'image':
      case 'folded':
        if (r && !r.cached) this.#write(`#${e.step} DONE ${secs(now - r.started)}\n\n`);
        else this.#write('\n');
        break;
      case 'warning':
        this.#write(e.text.endsWith('\n') ? e.text : `${e.text}\n`);
        break;
      case 'built':
        this.#write(`#${this.#model.total + 1} writing image ${e.id} done\n`);
        break;
      case 'tagged':
        this.#write(`#${this.#model.total + 1} naming to ${e.name} done\n`);
        break;
      default:
        break;
    }
  }

  /** The build failed: the open step gets its error line. */
  fail(message: string, now: number): void {
    const open = this.#model.rows.filter((r) => r.ended === undefined).map((r) => ({ step: r.step, partial: r.partial }));
    this.#model.finish(now, true);
    for (const r of open) {
      if (r.partial) this.#write(`#${r.step} ${r.partial}\n`);
      this.#write(`#${r.step} ERROR: ${message}\n`);
    }
  }
}
