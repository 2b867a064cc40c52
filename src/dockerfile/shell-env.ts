/**
 * @module dockerfile/shell-env
 * Ready-made EnvGetters: from a `K=V` list (an image config's Env, later entries win), from a
 * record or Map, and layered (the first layer that has a name answers).
 */
import type { EnvGetter } from './types.js';

/** An EnvGetter over a Map; `keys()` in the Map's insertion order. */
export function envFromMap(vars: ReadonlyMap<string, string>): EnvGetter {
  return { get: (name) => vars.get(name), keys: () => [...vars.keys()] };
}

/**
 * An EnvGetter over `K=V` strings (an entry without `=` is set and empty) or a plain record.
 * For a list, a later entry for the same name wins, as in a process environment.
 */
export function envFrom(vars: Readonly<Record<string, string>> | readonly string[]): EnvGetter {
  const m = new Map<string, string>();
  if (Array.isArray(vars)) {
    for (const kv of vars as readonly string[]) {
      const i = kv.indexOf('=');
      if (i < 0) m.set(kv, '');
      else m.set(kv.slice(0, i), kv.slice(i + 1));
    }
  } else {
    for (const [k, v] of Object.entries(vars as Readonly<Record<string, string>>)) m.set(k, v);
  }
  return envFromMap(m);
}

/** An EnvGetter that looks through `layers` in order; keys are deduplicated. */
export function layeredEnv(...layers: EnvGetter[]): EnvGetter {
  return {
    get(name) {
      for (const l of layers) {
        const v = l.get(name);
        if (v !== undefined) return v;
      }
      return undefined;
    },
    keys() {
      const seen = new Set<string>();
      for (const l of layers) for (const k of l.keys()) seen.add(k);
      return [...seen];
    },
  };
}

/** An EnvGetter with nothing set. */
export const emptyEnv: EnvGetter = { get: () => undefined, keys: () => [] };
