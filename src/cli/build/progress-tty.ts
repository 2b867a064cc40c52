/**
 * @module cli/build/progress-tty
 * `--progress=tty` (the default on a terminal): a live view redrawn in place, BuildKit-style:
 *
 *     [+] Building 2.4s (4/7)
 *      => [1/7] FROM busybox:latest                                    0.0s
 *      => CACHED [2/7] ENV A=1                                         0.0s
 *      => [5/7] RUN make                                               1.2s
 *      => => # compiling foo.c
 *
 * one line per step with its duration, CACHED marks, and the last lines of the running step's
 * output. `frame()` is pure (time passed in); the driver redraws it every 100 ms.
 */
import type { BuildProgressEvent } from '../../api/types/build.js';
import { BuildProgress, KEEP_LINES, secs, type StepRow } from './progress-model.js';

const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const BLUE = '\x1b[34m';
const RESET = '\x1b[0m';

function fit(text: string, width: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > width ? `${oneLine.slice(0, Math.max(0, width - 3))}...` : oneLine;
}

export class TtyProgress {
  readonly model: BuildProgress;
  readonly #color: boolean;

  constructor(now: number, color = true) {
    this.model = new BuildProgress(now);
    this.#color = color;
  }

  event(e: BuildProgressEvent, now: number): void {
    this.model.apply(e, now);
  }

  #c(code: string, s: string): string {
    return this.#color ? `${code}${s}${RESET}` : s;
  }

  #rowLine(r: StepRow, now: number, width: number): string {
    const time = secs((r.ended ?? now) - r.started);
    const label = `${r.cached ? 'CACHED ' : ''}[${r.step}/${r.total}] ${r.text}`;
    const room = Math.max(10, width - 4 - time.length - 1);
    const body = fit(label, room).padEnd(room);
    const line = ` => ${body} ${time}`;
    if (r.failed) return this.#c(RED, line);
    if (r.ended === undefined) return this.#c(BLUE, line);
    return line;
  }

  /** The whole view at `now`, as lines (no trailing newline). */
  frame(now: number, width = 100): string[] {
    const m = this.model;
    const elapsed = secs((m.ended ?? now) - m.started);
    const lines = [`[+] Building ${elapsed} (${m.done()}/${m.total || m.rows.length})${m.ended !== undefined && !m.rows.some((r) => r.failed) ? ' FINISHED' : ''}`];
    for (const r of m.rows) {
      lines.push(this.#rowLine(r, now, width));
      if (r.missReason) lines.push(this.#c(DIM, ` => => CACHE MISS: ${fit(r.missReason, width - 20)}`));
      if (r.ended === undefined || r.failed) {
        const tail = [...r.lines, ...(r.partial ? [r.partial] : [])].slice(-KEEP_LINES);
        for (const t of tail) lines.push(this.#c(DIM, ` => => # ${fit(t, width - 10)}`));
      }
    }
    if (m.imageId) lines.push(` => writing image ${m.imageId}`);
    for (const t of m.tags) lines.push(` => naming to ${t}`);
    for (const w of m.warnings) lines.push(w.replace(/\n$/, ''));
    return lines;
  }
}

/** Draws a TtyProgress on a terminal, replacing the previous frame. */
export class TtyDriver {
  readonly #view: TtyProgress;
  readonly #out: NodeJS.WriteStream;
  #lastLines = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(view: TtyProgress, out: NodeJS.WriteStream) {
    this.#view = view;
    this.#out = out;
  }

  start(): void {
    this.#timer = setInterval(() => this.draw(), 100);
    this.#timer.unref();
  }

  draw(): void {
    const width = this.#out.columns || 100;
    const lines = this.#view.frame(Date.now(), width);
    let s = this.#lastLines ? `\x1b[${this.#lastLines}A` : '';
    for (const l of lines) s += `\x1b[2K${l}\n`;
    const extra = this.#lastLines - lines.length;
    if (extra > 0) s += `${'\x1b[2K\n'.repeat(extra)}\x1b[${extra}A`;
    this.#out.write(s);
    this.#lastLines = lines.length;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.draw();
  }
}
