/**
 * @module dockerfile/instructions/flags
 * An instruction's `--flags`: which it accepts, their values, and Docker's errors
 * (`Unknown flag: x`, `Missing a value on flag: x`, `Duplicate flag specified: x`).
 */
import { InvalidArgument } from '../../errdefs/index.js';

export type FlagKind = 'string' | 'bool' | 'list';

export class InstructionFlags {
  readonly #values = new Map<string, string | boolean | string[]>();

  constructor(raw: readonly string[], accepted: Record<string, FlagKind>) {
    for (const f of raw) {
      if (!f.startsWith('--')) throw new InvalidArgument(`Arg "${f}" doesn't start with "--"`);
      const body = f.slice(2);
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const value = eq >= 0 ? body.slice(eq + 1) : undefined;
      const kind = accepted[name];
      if (!kind) throw new InvalidArgument(`Unknown flag: ${name}`);
      if (kind === 'list') {
        if (value === undefined || value === '') throw new InvalidArgument(`Missing a value on flag: ${name}`);
        const prev = (this.#values.get(name) as string[] | undefined) ?? [];
        this.#values.set(name, [...prev, value]);
        continue;
      }
      if (this.#values.has(name)) throw new InvalidArgument(`Duplicate flag specified: ${name}`);
      if (kind === 'bool') {
        if (value === undefined || value.toLowerCase() === 'true') this.#values.set(name, true);
        else if (value.toLowerCase() === 'false') this.#values.set(name, false);
        else throw new InvalidArgument(`expecting boolean value for flag ${name}, not: ${value}`);
      } else {
        if (value === undefined) throw new InvalidArgument(`Missing a value on flag: ${name}`);
        this.#values.set(name, value);
      }
    }
  }

  string(name: string): string | undefined {
    const v = this.#values.get(name);
    return typeof v === 'string' ? v : undefined;
  }

  bool(name: string): boolean {
    return this.#values.get(name) === true;
  }

  list(name: string): string[] {
    const v = this.#values.get(name);
    return Array.isArray(v) ? v : [];
  }
}
