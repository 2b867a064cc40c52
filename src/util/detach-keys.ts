/**
 * @module util/detach-keys
 * Docker's detach key sequences (`--detach-keys`, default ctrl-p,ctrl-q): parsing, and a
 * scanner over stdin that holds back bytes while they may start the sequence and reports when
 * the whole sequence was typed.
 */
import { InvalidArgument } from '../errdefs/index.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** "ctrl-p,ctrl-q" → [0x10, 0x11]; single characters stand for themselves. */
export function parseDetachKeys(spec: string): Buffer {
  const out: number[] = [];
  for (const raw of spec.split(',')) {
    const k = raw.trim().toLowerCase();
    if (k.length === 1) {
      out.push(raw.trim().charCodeAt(0));
      continue;
    }
    const m = /^ctrl-(.)$/.exec(k);
    if (!m) throw new InvalidArgument(`Invalid detach keys (${spec}) provided`);
    const c = m[1]!;
    if (c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 96);
    else if (c === '@') out.push(0);
    else if (c === '[') out.push(27);
    else if (c === '\\') out.push(28);
    else if (c === ']') out.push(29);
    else if (c === '^') out.push(30);
    else if (c === '_') out.push(31);
    else throw new InvalidArgument(`Invalid detach keys (${spec}) provided`);
  }
  if (out.length === 0) throw new InvalidArgument(`Invalid detach keys (${spec}) provided`);
  return Buffer.from(out);
}

/** Feeds stdin chunks through; `detached` turns true once the sequence has been seen. */
export class DetachScanner {
  readonly #keys: Buffer;
  #matched = 0;
  detached = false;

  constructor(keys: Buffer) {
    this.#keys = keys;
  }

  /** The bytes to pass on to the container for this chunk. */
  push(chunk: Buffer): Buffer {
    if (this.detached || this.#keys.length === 0) return this.detached ? Buffer.alloc(0) : chunk;
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.#keys[this.#matched]) {
        this.#matched++;
        if (this.#matched === this.#keys.length) {
          this.detached = true;
          break;
        }
        continue;
      }
      // Mismatch: release what was held back, then look at this byte afresh.
      for (let i = 0; i < this.#matched; i++) out.push(this.#keys[i]!);
      this.#matched = 0;
      if (b === this.#keys[0]) {
        this.#matched = 1;
        if (this.#keys.length === 1) {
          this.detached = true;
          break;
        }
      } else out.push(b);
    }
    return Buffer.from(out);
  }
}
