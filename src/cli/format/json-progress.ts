/**
 * @module cli/format/json-progress
 * Shows a JSON message stream (pull, push) as the docker CLI's jsonmessage does. On a
 * terminal each id (a layer) keeps one line, rewritten in place with the cursor moved up and
 * down, and the progress bar is drawn from `progressDetail` for the terminal's width (the bar
 * only when wider than 110 columns, as docker); without a terminal, progress messages are
 * skipped and every other message is one `id: status` line. The first error is returned.
 */
import type { JsonMessage } from '../../api/types/images.js';
import { humanSize } from './units.js';

export interface ProgressOut {
  write(s: string): unknown;
  readonly columns?: number;
}

/** docker's JSONProgress.String for a terminal of `width` columns. */
export function progressString(current: number, total: number, width: number): string {
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current, 4).padStart(8);
  let pct = Math.floor(Math.floor((current / total) * 100) / 2);
  if (pct > 50) pct = 50;
  const bar = width > 110 ? `[${'='.repeat(pct)}>${' '.repeat(Math.max(0, 50 - pct))}] ` : '';
  const numbers = current > total ? humanSize(current, 4).padStart(8) : `${humanSize(current, 4).padStart(8)}/${humanSize(total, 4)}`;
  return bar + numbers;
}

export class JsonProgressDisplay {
  readonly #out: ProgressOut;
  readonly #tty: boolean;
  #ids = new Map<string, number>();
  error: string | undefined;
  /** `aux` payloads (push's Tag/Digest/Size). */
  readonly aux: unknown[] = [];

  constructor(out: ProgressOut, isTerminal: boolean) {
    this.#out = out;
    this.#tty = isTerminal;
  }

  message(raw: Record<string, unknown>): void {
    const m = raw as JsonMessage;
    if (m.errorDetail || m.error) {
      this.error ??= m.errorDetail?.message ?? m.error ?? 'unknown error';
      return;
    }
    if (m.aux !== undefined) {
      this.aux.push(m.aux);
      return;
    }
    const hasProgress = m.progressDetail !== undefined;
    let diff = 0;
    if (m.id && hasProgress) {
      let line = this.#ids.get(m.id);
      if (line === undefined) {
        line = this.#ids.size;
        this.#ids.set(m.id, line);
        if (this.#tty) this.#out.write('\n');
      }
      diff = this.#ids.size - line;
      if (this.#tty) this.#out.write(`\x1b[${diff}A`);
    } else {
      this.#ids = new Map();
    }
    this.#display(m, hasProgress);
    if (m.id && hasProgress && this.#tty) this.#out.write(`\x1b[${diff}B`);
  }

  #display(m: JsonMessage, hasProgress: boolean): void {
    const width = this.#out.columns || 200;
    const d = m.progressDetail ?? {};
    const bar = hasProgress ? progressString(d.current ?? 0, d.total ?? 0, width) : '';
    let endl = '';
    if (this.#tty && m.stream === undefined && hasProgress) {
      this.#out.write('\x1b[2K\r');
      endl = '\r';
    } else if (hasProgress && bar !== '') {
      return; // no progress bars without a terminal
    }
    let s = m.id ? `${m.id}: ` : '';
    if (hasProgress && this.#tty) s += `${m.status ?? ''} ${bar}${endl}`;
    else if (m.stream !== undefined) s += `${m.stream}${endl}`;
    else s += `${m.status ?? ''}${endl}\n`;
    this.#out.write(s);
  }
}
