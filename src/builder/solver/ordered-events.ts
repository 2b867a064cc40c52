/**
 * @module builder/solver/ordered-events
 * Stages may run in parallel, but the classic output shows them one after the other, as
 * Docker's sequential builder would print them: the first unfinished stage streams live;
 * the others are held back and shown, in stage order, once the stages before them are done.
 */
import type { BuildEvent, BuildEventSink } from '../events.js';

export class OrderedEvents {
  readonly #order: number[];
  readonly #out: BuildEventSink;
  readonly #held = new Map<number, BuildEvent[]>();
  readonly #done = new Set<number>();
  #pos = 0;

  constructor(order: readonly number[], out: BuildEventSink) {
    this.#order = [...order];
    this.#out = out;
  }

  /** The sink for one stage's events. */
  sink(stage: number): BuildEventSink {
    return (e) => {
      if (this.#order[this.#pos] === stage) this.#out(e);
      else {
        const list = this.#held.get(stage) ?? [];
        list.push(e);
        this.#held.set(stage, list);
      }
    };
  }

  /** A stage finished: later stages' held events go out while their predecessors are done. */
  finish(stage: number): void {
    this.#done.add(stage);
    while (this.#pos < this.#order.length && this.#done.has(this.#order[this.#pos]!)) {
      this.#pos++;
      this.#flush(this.#order[this.#pos]);
    }
  }

  /** Shows everything still held, in stage order (after a failure). */
  flushAll(): void {
    for (; this.#pos < this.#order.length; this.#pos++) this.#flush(this.#order[this.#pos]);
  }

  #flush(stage: number | undefined): void {
    if (stage === undefined) return;
    const list = this.#held.get(stage);
    this.#held.delete(stage);
    for (const e of list ?? []) this.#out(e);
  }
}
