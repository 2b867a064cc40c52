/**
 * @module util/glob-nfa
 * A tiny automaton for glob patterns (word expansion's `${v#pat}` and `${v/pat/r}`, Go's
 * path.Match, `.dockerignore`), simulated state-set by state-set so matching takes time proportional to
 * text × pattern, whatever the pattern (Go's regexp, which Docker uses, is linear too; a
 * backtracking RegExp is not: `${v//*****x/y}` would hang it).
 *
 * Build: `const n = new Nfa(); let s = n.start; s = n.char(s, test); n.loop(s, test); …;
 * n.accept = s`. Texts are arrays of code points (one string each).
 */

type Test = (ch: string) => boolean;

export class Nfa {
  readonly #eps: number[][] = [[]];
  readonly #edges: { test: Test; to: number }[][] = [[]];
  readonly start = 0;
  accept = 0;

  /** A new state. */
  state(): number {
    this.#eps.push([]);
    this.#edges.push([]);
    return this.#eps.length - 1;
  }

  /** From `from`, one character satisfying `test`, to a new state (returned). */
  char(from: number, test: Test): number {
    const to = this.state();
    this.#edges[from]!.push({ test, to });
    return to;
  }

  /** From `from` to an existing state `to`, one character satisfying `test`. */
  edge(from: number, to: number, test: Test): void {
    this.#edges[from]!.push({ test, to });
  }

  /** Any number of characters satisfying `test`, staying in `at`. */
  loop(at: number, test: Test): void {
    this.#edges[at]!.push({ test, to: at });
  }

  /** An empty transition. */
  epsilon(from: number, to: number): void {
    this.#eps[from]!.push(to);
  }

  /** Adds `s` and everything reachable by empty transitions, each with start `start` unless a smaller one is there. */
  #close(starts: Int32Array, active: number[], s: number, start: number): void {
    const stack = [s];
    while (stack.length) {
      const x = stack.pop()!;
      if (starts[x]! !== -1 && starts[x]! <= start) continue;
      if (starts[x] === -1) active.push(x);
      starts[x] = start;
      for (const y of this.#eps[x]!) stack.push(y);
    }
  }

  /** One step: the states (with their start) after reading `ch`. */
  #step(starts: Int32Array, active: number[], ch: string): [Int32Array, number[]] {
    const next = new Int32Array(this.#eps.length).fill(-1);
    const nextActive: number[] = [];
    // Visit in order of start so the smallest start wins each state.
    for (const s of [...active].sort((a, b) => starts[a]! - starts[b]!)) {
      for (const e of this.#edges[s]!) if (e.test(ch)) this.#close(next, nextActive, e.to, starts[s]!);
    }
    return [next, nextActive];
  }

  /** The ends `e` (ascending) such that `text[from..e)` is accepted. */
  matchEnds(text: readonly string[], from = 0): number[] {
    let starts: Int32Array = new Int32Array(this.#eps.length).fill(-1);
    let active: number[] = [];
    this.#close(starts, active, this.start, from);
    const ends: number[] = [];
    for (let i = from; ; i++) {
      if (starts[this.accept] !== -1) ends.push(i);
      if (i === text.length || active.length === 0) return ends;
      [starts, active] = this.#step(starts, active, text[i]!);
    }
  }

  /** Whether the whole text is accepted. */
  matches(text: readonly string[]): boolean {
    const ends = this.matchEnds(text);
    return ends[ends.length - 1] === text.length;
  }

  /** The leftmost match at or after `from`, longest at that start: `[start, end]`, or undefined. */
  leftmostLongest(text: readonly string[], from = 0): [number, number] | undefined {
    let starts: Int32Array = new Int32Array(this.#eps.length).fill(-1);
    let active: number[] = [];
    let best: [number, number] | undefined;
    for (let i = from; ; i++) {
      // A new attempt may start here until a match is found (later starts cannot win then).
      if (!best) this.#close(starts, active, this.start, i);
      const s = starts[this.accept]!;
      if (s !== -1 && (!best || s < best[0] || (s === best[0] && i > best[1]))) best = [s, i];
      if (best) active = active.filter((x) => starts[x]! <= best![0]);
      if (i === text.length || active.length === 0) return best;
      [starts, active] = this.#step(starts, active, text[i]!);
    }
  }
}
