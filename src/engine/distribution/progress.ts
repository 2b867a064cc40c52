/**
 * @module engine/distribution/progress
 * Docker's JSON progress messages for pull and push (`{"status","progressDetail","progress","id"}`),
 * the `progress` text dockerd puts in them (jsonmessage.JSONProgress.String at its default
 * width: `[=====>      ]  1.2MB/3.4MB`), and a throttle so a layer reports at most every 100 ms.
 */
import type { JsonMessage } from '../../api/types/images.js';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** go-units HumanSize: decimal units, 4 significant digits (`1.235MB`, `512B`). */
export function humanSize(n: number): string {
  let size = n;
  let i = 0;
  while (size >= 1000 && i < UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${formatG4(size)}${UNITS[i]}`;
}

/** Go's %.4g for 0 ≤ x < 1000: four significant digits, trailing zeros dropped. */
function formatG4(x: number): string {
  let s = x.toPrecision(4);
  if (s.includes('e')) s = String(Number(s));
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/** dockerd's progress text for `current` of `total` bytes. */
export function progressText(current: number, total: number): string {
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  let pct = Math.floor((Math.floor((current / total) * 100)) / 2);
  if (pct > 50) pct = 50;
  const bar = `[${'='.repeat(pct)}>${' '.repeat(Math.max(0, 50 - pct))}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

export type Sink = (m: JsonMessage) => void;

/** A state of one layer (progress.Update in dockerd): `progressDetail` is there, empty. */
export function status(id: string | undefined, text: string): JsonMessage {
  return id === undefined ? { status: text } : { status: text, progressDetail: {}, id };
}

/** A plain message, optionally for an id (progress.Message: `latest: Pulling from …`). */
export function message(id: string | undefined, text: string): JsonMessage {
  return id === undefined ? { status: text } : { status: text, id };
}

/** A progress line (`Downloading`, `Extracting`, `Pushing`). */
export function progressMsg(id: string, action: string, current: number, total: number): JsonMessage {
  return { status: action, progressDetail: { current, total }, progress: progressText(current, total), id };
}

/** Reports byte progress for one id at most every `intervalMs`, and always at the end. */
export class Throttle {
  #last = 0;
  readonly #sink: Sink;
  readonly #id: string;
  readonly #action: string;
  readonly #total: number;
  readonly #intervalMs: number;

  constructor(sink: Sink, id: string, action: string, total: number, intervalMs = 100) {
    this.#sink = sink;
    this.#id = id;
    this.#action = action;
    this.#total = total;
    this.#intervalMs = intervalMs;
  }

  update(current: number): void {
    const now = Date.now();
    if (now - this.#last < this.#intervalMs && current < this.#total) return;
    this.#last = now;
    this.#sink(progressMsg(this.#id, this.#action, current, this.#total));
  }
}
