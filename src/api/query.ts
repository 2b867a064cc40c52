/**
 * @module api/query
 * Query-string values as Docker reads them: booleans where only "", 0, no, false and none are
 * false, integers, JSON parameters, and `filters` in both the map form the docker CLI sends
 * (`{"label":{"a=b":true}}`) and the list form dockerode sends (`{"label":["a=b"]}`).
 */
import { InvalidArgument } from '../errdefs/index.js';
import { decodeBody, type Schema } from './schema.js';

export class Query {
  readonly #params: URLSearchParams;
  constructor(params: URLSearchParams) {
    this.#params = params;
  }

  has(name: string): boolean {
    return this.#params.has(name);
  }

  string(name: string): string | undefined {
    return this.#params.get(name) ?? undefined;
  }

  all(name: string): string[] {
    return this.#params.getAll(name);
  }

  bool(name: string, dflt = false): boolean {
    const v = this.#params.get(name);
    if (v === null) return dflt;
    return !['', '0', 'no', 'false', 'none'].includes(v.trim().toLowerCase());
  }

  int(name: string, dflt?: number): number | undefined {
    const v = this.#params.get(name);
    if (v === null || v === '') return dflt;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgument(`invalid value for ${name}: ${JSON.stringify(v)}`);
    return n;
  }

  /** A JSON-encoded parameter (buildargs, labels, …); undefined when absent or empty. */
  /** A JSON parameter checked against `schema` (api/schema.ts). */
  json<T>(name: string, schema: Schema): T | undefined {
    const v = this.#params.get(name);
    if (v === null || v === '') return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch (e) {
      throw new InvalidArgument(`invalid JSON in ${name} parameter: ${(e as Error).message}`, { cause: e });
    }
    return parsed === null ? undefined : decodeBody<T>(parsed, schema);
  }

  /** `filters` as a map of filter name → values. */
  filters(name = 'filters'): Filters {
    return parseFilters(this.#params.get(name));
  }
}

export type Filters = Map<string, string[]>;

export function parseFilters(raw: string | null | undefined): Filters {
  const out: Filters = new Map();
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new InvalidArgument(`Invalid filter '${raw}'`, { cause: e });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidArgument(`Invalid filter '${raw}'`);
  }
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v)) out.set(k, v.map(String));
    else if (v && typeof v === 'object') {
      out.set(
        k,
        Object.entries(v as Record<string, unknown>)
          .filter(([, on]) => on === true)
          .map(([x]) => x),
      );
    } else throw new InvalidArgument(`Invalid filter '${raw}'`);
  }
  return out;
}

/** Rejects filter names a list endpoint does not know, with Docker's message. */
export function checkFilterNames(filters: Filters, allowed: readonly string[]): void {
  for (const k of filters.keys()) {
    if (!allowed.includes(k)) throw new InvalidArgument(`Invalid filter '${k}'`);
  }
}
