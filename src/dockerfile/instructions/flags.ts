/**
 * @module dockerfile/instructions/flags
 * An instruction's `--flags`, read with BuildKit's rules and the words of the parser in Docker
 * 20.10 (`Unknown flag: chown`, capitalized, the flag named without its dashes): each
 * instruction declares the flags it accepts and their kind (bool, string, or a repeatable
 * list); a lone `--` ends the flags; `--bool` alone means true.
 */
import { InvalidArgument } from '../../errdefs/index.js';

export type FlagKind = 'bool' | 'string' | 'strings';

/** The flags of one instruction, checked against what it accepts. Throws InvalidArgument. */
export class InstructionFlags {
  readonly #bools = new Map<string, boolean>();
  readonly #strings = new Map<string, string>();
  readonly #lists = new Map<string, string[]>();
  /** Names of the flags given, in order. */
  readonly used: string[] = [];

  constructor(raw: readonly string[], accepted: Readonly<Record<string, FlagKind>>) {
    for (const a of raw) {
      if (a === '--') break; // the end of the options
      if (!a.startsWith('--')) throw new InvalidArgument(`Arg should start with -- : ${a}`);
      const eq = a.indexOf('=');
      const flagName = eq < 0 ? a : a.slice(0, eq);
      const value = eq < 0 ? undefined : a.slice(eq + 1);
      const name = flagName.slice(2);
      const kind = Object.hasOwn(accepted, name) ? accepted[name] : undefined;
      if (!kind) throw new InvalidArgument(`Unknown flag: ${name}`);
      if (this.used.includes(name) && kind !== 'strings') throw new InvalidArgument(`Duplicate flag specified: ${name}`);
      this.used.push(name);
      switch (kind) {
        case 'bool': {
          if (value === '') throw new InvalidArgument(`Missing a value on flag: ${name}`);
          const v = (value ?? 'true').toLowerCase();
          if (v !== 'true' && v !== 'false') throw new InvalidArgument(`Expecting boolean value for flag ${name}, not: ${value}`);
          this.#bools.set(name, v === 'true');
          break;
        }
        case 'string':
          if (value === undefined) throw new InvalidArgument(`Missing a value on flag: ${name}`);
          this.#strings.set(name, value);
          break;
        case 'strings':
          if (value === undefined) throw new InvalidArgument(`Missing a value on flag: ${name}`);
          this.#lists.set(name, [...(this.#lists.get(name) ?? []), value]);
          break;
      }
    }
  }

  /** A bool flag's value; undefined when not given. */
  bool(name: string): boolean | undefined {
    return this.#bools.get(name);
  }

  /** A string flag's value; undefined when not given or given empty. */
  string(name: string): string | undefined {
    const v = this.#strings.get(name);
    return v === '' ? undefined : v;
  }

  /** A list flag's values, in order. */
  strings(name: string): string[] {
    return this.#lists.get(name) ?? [];
  }
}
