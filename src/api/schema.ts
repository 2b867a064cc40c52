/**
 * @module api/schema
 * Request bodies are checked at the API boundary against a small schema of Docker's Go
 * types, the way Go's encoding/json decodes them into dockerd's structs:
 * - a value of the wrong JSON type is a 400 with Go's words (`json: cannot unmarshal number
 *   into Go struct field ContainerConfigWrapper.Image of type string`);
 * - `null` is accepted anywhere: a field set to null stays null (Go's nil slice, map or
 *   pointer, which inspect shows as null); a null list element or map value becomes the
 *   element type's zero value;
 * - field names match case-insensitively and come out in the schema's spelling;
 * - fields the schema does not name pass through unchecked (Go ignores them; berth keeps them).
 * Handlers then see values of the types they declare, never a number where a string goes.
 */
import { InvalidArgument } from '../errdefs/index.js';

export type Schema =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'int'; go: string; min: number; max: number }
  | { kind: 'float' }
  | { kind: 'any' }
  /** Docker's strslice.StrSlice: a string or a list of strings. */
  | { kind: 'strslice' }
  /** A Go pointer: null stays null (`map[string]*string` build args). */
  | { kind: 'ptr'; of: Schema }
  | { kind: 'array'; of: Schema }
  | { kind: 'map'; of: Schema }
  | { kind: 'struct'; name: string; fields: Record<string, Schema> };

const INT_RANGES: Record<string, [number, number]> = {
  int: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  uint: [0, Number.MAX_SAFE_INTEGER],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
  'os.FileMode': [0, 0xffffffff],
};

/** Builders for schemas. */
export const s = {
  string: (): Schema => ({ kind: 'string' }),
  bool: (): Schema => ({ kind: 'bool' }),
  int: (go = 'int64'): Schema => {
    const [min, max] = INT_RANGES[go] ?? INT_RANGES.int64!;
    return { kind: 'int', go, min, max };
  },
  float: (): Schema => ({ kind: 'float' }),
  any: (): Schema => ({ kind: 'any' }),
  strslice: (): Schema => ({ kind: 'strslice' }),
  ptr: (of: Schema): Schema => ({ kind: 'ptr', of }),
  array: (of: Schema): Schema => ({ kind: 'array', of }),
  map: (of: Schema): Schema => ({ kind: 'map', of }),
  struct: (name: string, fields: Record<string, Schema>): Schema => ({ kind: 'struct', name, fields }),
};

/** The Go type a schema stands for, as Go's errors name it. */
export function goType(x: Schema): string {
  switch (x.kind) {
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'int':
      return x.go;
    case 'float':
      return 'float64';
    case 'any':
      return 'interface {}';
    case 'strslice':
      return 'strslice.StrSlice';
    case 'ptr':
      return `*${goType(x.of)}`;
    case 'array':
      return `[]${goType(x.of)}`;
    case 'map':
      return `map[string]${goType(x.of)}`;
    case 'struct':
      return x.name;
  }
}

function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

interface Where {
  /** The innermost struct's Go name. */
  struct: string;
  /** Field names from the top-level struct down. */
  path: string[];
}

function mismatch(value: string, x: Schema, at: Where): InvalidArgument {
  const into = at.path.length ? `Go struct field ${at.struct.replace(/^.*\./, '')}.${at.path.join('.')}` : 'Go value';
  return new InvalidArgument(`invalid JSON: json: cannot unmarshal ${value} into ${into} of type ${goType(x)}`);
}

/** Go's zero value of a list element or map value given as null. */
function zeroOf(x: Schema): unknown {
  switch (x.kind) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
    case 'float':
      return 0;
    case 'struct':
      return {};
    default:
      return null;
  }
}

function decodeValue(v: unknown, x: Schema, at: Where): unknown {
  if (v === null) return null;
  switch (x.kind) {
    case 'any':
      return v;
    case 'string':
      if (typeof v !== 'string') throw mismatch(jsonKind(v), x, at);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw mismatch(jsonKind(v), x, at);
      return v;
    case 'float':
      if (typeof v !== 'number') throw mismatch(jsonKind(v), x, at);
      return v;
    case 'int':
      if (typeof v !== 'number') throw mismatch(jsonKind(v), x, at);
      if (!Number.isInteger(v) || v < x.min || v > x.max) throw mismatch(`number ${v}`, x, at);
      return v;
    case 'ptr':
      return decodeValue(v, x.of, at);
    case 'strslice':
      if (typeof v === 'string') return v;
      if (!Array.isArray(v) || !v.every((e) => typeof e === 'string' || e === null)) throw mismatch(jsonKind(v), s.array(s.string()), at);
      return v.map((e) => e ?? '');
    case 'array':
      if (!Array.isArray(v)) throw mismatch(jsonKind(v), x, at);
      return v.map((e) => (e === null ? zeroOf(x.of) : decodeValue(e, x.of, at)));
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) throw mismatch(jsonKind(v), x, at);
      const out: Record<string, unknown> = {};
      for (const [k, e] of Object.entries(v as Record<string, unknown>)) out[k] = e === null ? zeroOf(x.of) : decodeValue(e, x.of, at);
      return out;
    }
    case 'struct':
      return decodeStruct(v, x, at);
  }
}

function decodeStruct(v: unknown, x: Extract<Schema, { kind: 'struct' }>, at: Where): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw mismatch(jsonKind(v), x, at);
  const byLower = new Map(Object.keys(x.fields).map((k) => [k.toLowerCase(), k]));
  const out: Record<string, unknown> = {};
  const entries = Object.entries(v as Record<string, unknown>);
  // An exact spelling wins over a case-insensitive match, as in Go.
  const exact = new Set(entries.map(([k]) => k).filter((k) => k in x.fields));
  for (const [k, e] of entries) {
    const name = k in x.fields ? k : byLower.get(k.toLowerCase());
    if (name === undefined) {
      out[k] = e;
      continue;
    }
    if (name !== k && exact.has(name)) continue;
    out[name] = decodeValue(e, x.fields[name]!, { struct: x.name, path: [...at.path, name] });
  }
  return out;
}

/**
 * Checks a parsed JSON body against a struct schema and returns it with fields in the
 * schema's spelling; `null` or an empty body is `{}`.
 */
export function decodeBody<T>(v: unknown, x: Schema): T {
  if (v === null || v === undefined) return {} as T;
  if (x.kind !== 'struct') return decodeValue(v, x, { struct: '', path: [] }) as T;
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new InvalidArgument(`invalid JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type ${x.name}`);
  }
  return decodeStruct(v, x, { struct: x.name, path: [] }) as T;
}
