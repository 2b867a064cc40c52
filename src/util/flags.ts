/**
 * @module util/flags
 * Command-line flags with the grammar of docker's (spf13/pflag): `--name value`, `--name=value`,
 * `-n value`, `-nvalue`, combined booleans `-it`, `--bool=false`, repeatable list flags, `--`
 * to end flags, and — for commands like `run` and `exec` — flags only up to the first positional
 * argument, so `berth run busybox ls -l` leaves `-l` to the container.
 */
import { InvalidArgument } from '../errdefs/index.js';

export type FlagType = 'bool' | 'string' | 'int' | 'list';
export type FlagValue = boolean | string | number | string[];

export interface FlagSpec {
  long: string;
  short?: string;
  type: FlagType;
  help: string;
  /** Default value; list flags default to []. */
  default?: FlagValue;
  /** Name of the value in help output (`string`, `list`, `int` by default). */
  placeholder?: string;
  hidden?: boolean;
}

/** A flag error: docker prints it with a hint and exits 125. */
export class FlagError extends InvalidArgument {}

export class Flags {
  readonly #values = new Map<string, FlagValue>();
  readonly #set = new Set<string>();
  constructor(specs: readonly FlagSpec[]) {
    for (const s of specs) this.#values.set(s.long, s.default ?? (s.type === 'list' ? [] : s.type === 'bool' ? false : s.type === 'int' ? 0 : ''));
  }
  /** Whether the user gave the flag. */
  changed(name: string): boolean {
    return this.#set.has(name);
  }
  bool(name: string): boolean {
    return this.#values.get(name) === true;
  }
  string(name: string): string {
    const v = this.#values.get(name);
    return typeof v === 'string' ? v : v === undefined ? '' : String(v);
  }
  int(name: string): number {
    const v = this.#values.get(name);
    return typeof v === 'number' ? v : Number(v ?? 0);
  }
  list(name: string): string[] {
    const v = this.#values.get(name);
    return Array.isArray(v) ? v : [];
  }
  /** Used by the parser. */
  assign(spec: FlagSpec, raw: string | boolean): void {
    const first = !this.#set.has(spec.long);
    this.#set.add(spec.long);
    switch (spec.type) {
      case 'bool': {
        if (typeof raw === 'boolean') this.#values.set(spec.long, raw);
        else {
          const v = parseBool(raw);
          if (v === undefined) throw new FlagError(`invalid argument "${raw}" for "--${spec.long}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
          this.#values.set(spec.long, v);
        }
        break;
      }
      case 'int': {
        const n = Number(raw);
        if (raw === '' || !Number.isInteger(n)) {
          throw new FlagError(`invalid argument "${raw}" for "${spec.short ? `-${spec.short}, ` : ''}--${spec.long}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`);
        }
        this.#values.set(spec.long, n);
        break;
      }
      case 'list': {
        const prev = first ? [] : (this.#values.get(spec.long) as string[]);
        this.#values.set(spec.long, [...prev, String(raw)]);
        break;
      }
      default:
        this.#values.set(spec.long, String(raw));
    }
  }
}

function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

export interface ParseOptions {
  /** false: stop at the first positional argument (run, exec). */
  interspersed?: boolean;
}

/** Parses argv against specs; `help` is true when -h/--help was given. */
export function parseFlags(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  opts: ParseOptions = {},
): { flags: Flags; args: string[]; help: boolean } {
  const flags = new Flags(specs);
  const args: string[] = [];
  const byLong = new Map(specs.map((s) => [s.long, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  let help = false;
  const interspersed = opts.interspersed ?? true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const spec = byLong.get(name);
      if (!spec) {
        if (name === 'help') {
          help = true;
          continue;
        }
        throw new FlagError(`unknown flag: --${name}`);
      }
      if (eq >= 0) flags.assign(spec, a.slice(eq + 1));
      else if (spec.type === 'bool') flags.assign(spec, true);
      else {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
        flags.assign(spec, argv[++i]!);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const spec = byShort.get(c);
        if (!spec) {
          if (c === 'h') {
            help = true;
            continue;
          }
          throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        }
        if (spec.type === 'bool') {
          if (a[j + 1] === '=') {
            flags.assign(spec, a.slice(j + 2));
            break;
          }
          flags.assign(spec, true);
          continue;
        }
        let value = a.slice(j + 1);
        if (value.startsWith('=')) value = value.slice(1);
        else if (value === '') {
          if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
          value = argv[++i]!;
        }
        flags.assign(spec, value);
        break;
      }
      continue;
    }
    args.push(a);
    if (!interspersed) {
      args.push(...argv.slice(i + 1));
      break;
    }
  }
  return { flags, args, help };
}

/** The Options section of a help page, aligned as docker aligns it. */
export function formatFlagHelp(specs: readonly FlagSpec[]): string {
  const rows = specs
    .filter((s) => !s.hidden)
    .map((s) => {
      const ph = s.type === 'bool' ? '' : ` ${s.placeholder ?? s.type}`;
      const names = s.short ? `-${s.short}, --${s.long}${ph}` : `    --${s.long}${ph}`;
      const dflt =
        s.default !== undefined && s.default !== '' && s.default !== false && !(Array.isArray(s.default) && s.default.length === 0)
          ? ` (default ${typeof s.default === 'string' ? `"${s.default}"` : String(s.default)})`
          : '';
      return [names, s.help + dflt] as const;
    });
  rows.push(['    --help', 'Print usage'] as const);
  rows.sort((a, b) => a[0].trimStart().replace(/^-\w, /, '').localeCompare(b[0].trimStart().replace(/^-\w, /, '')));
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([n, h]) => `  ${n.padEnd(w)}   ${h}`).join('\n');
}
