/**
 * @module store/layers/lease-table
 * In-memory holds on layers (see Lease in types.ts): each lease counts once per layer it
 * adds; a layer is held while any unreleased lease holds it.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { Digest } from '../../image/digest.js';
import type { Lease } from './types.js';

export class LeaseTable {
  readonly #holds = new Map<Digest, number>();

  lease(): Lease {
    const held: Digest[] = [];
    let released = false;
    return {
      add: (c) => {
        if (released) throw new InvalidArgument('lease already released');
        held.push(c);
        this.#holds.set(c, (this.#holds.get(c) ?? 0) + 1);
      },
      release: () => {
        if (released) return;
        released = true;
        for (const c of held) {
          const n = (this.#holds.get(c) ?? 1) - 1;
          if (n <= 0) this.#holds.delete(c);
          else this.#holds.set(c, n);
        }
      },
    };
  }

  isHeld(chainId: Digest): boolean {
    return this.#holds.has(chainId);
  }
}
