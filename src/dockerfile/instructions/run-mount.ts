/**
 * @module dockerfile/instructions/run-mount
 * `RUN --mount=type=cache,target=/root/.cache,sharing=locked` and friends, with BuildKit's
 * defaults and checks: the value is a CSV record of `key=value` fields (`ro`, `rw` and
 * `required` may stand alone); type defaults to bind; bind and secret/ssh mounts are
 * read-only unless `rw`, cache and tmpfs read-write; mode/uid/gid only for secret, ssh and
 * cache mounts. Errors are InvalidArgument in BuildKit's words.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { CacheSharing, MountType, RunMount } from './types.js';

const mountTypes: readonly MountType[] = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
const sharingModes: readonly CacheSharing[] = ['shared', 'private', 'locked'];

/** Splits one CSV record (Go encoding/csv rules: `"` quotes a whole field, `""` is a quote). */
export function csvFields(record: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (record[i] === '"') {
      i++;
      for (;;) {
        if (i >= record.length) throw new InvalidArgument('failed to parse csv mounts: extraneous or missing " in quoted-field');
        if (record[i] === '"') {
          if (record[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += record[i++];
      }
      if (i < record.length && record[i] !== ',') throw new InvalidArgument('failed to parse csv mounts: extraneous or missing " in quoted-field');
    } else {
      while (i < record.length && record[i] !== ',') {
        if (record[i] === '"') throw new InvalidArgument('failed to parse csv mounts: bare " in non-quoted-field');
        field += record[i++];
      }
    }
    fields.push(field);
    if (i >= record.length) return fields;
    i++; // the comma
  }
}

/** docker/go-units RAMInBytes: `64m`, `1g`, `512k`, `1.5GiB`, plain bytes; binary multiples. */
export function ramInBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(s);
  if (!m) throw new InvalidArgument(`invalid size: '${s}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[(m[2] ?? '').toLowerCase()]!;
  return Math.floor(Number.parseFloat(m[1]!) * mult);
}

function parseBool(key: string, value: string): boolean {
  const v = value.toLowerCase();
  if (['1', 't', 'true'].includes(v) || value === 'T' || value === 'TRUE' || value === 'True') return true;
  if (['0', 'f', 'false'].includes(v)) return false;
  throw new InvalidArgument(`invalid value for ${key}: ${value}`);
}

function parseUint(value: string, radix: 8 | 10, what: string): number {
  const re = radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  const n = re.test(value) ? Number.parseInt(value, radix) : NaN;
  if (!Number.isSafeInteger(n) || n > 0xffffffff) throw new InvalidArgument(`invalid value ${value} for ${what}`);
  return n;
}

export interface MountParseOptions {
  /** Expands each value (the builder's environment); without it values are taken as written. */
  expand?: (word: string) => string;
  /** Leave invalid values out instead of failing (used before expansion, for specs with `$`). */
  lenient?: boolean;
}

/** Parses one `--mount` value. */
export function parseMount(spec: string, opts: MountParseOptions = {}): RunMount {
  const m: RunMount = { type: 'bind', readOnly: false, required: false };
  let roAuto = true;
  const fail = (msg: string): void => {
    if (!opts.lenient) throw new InvalidArgument(msg);
  };
  const guard = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      if (!opts.lenient) throw e;
    }
  };
  for (const field of csvFields(spec)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      if (key === 'readonly' || key === 'ro') [m.readOnly, roAuto] = [true, false];
      else if (key === 'readwrite' || key === 'rw') [m.readOnly, roAuto] = [false, false];
      else if (key === 'required') {
        if (m.type === 'secret' || m.type === 'ssh') m.required = true;
        else fail(`unexpected key '${key}' for mount type '${m.type}'`);
      } else fail(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    let value = field.slice(eq + 1);
    if (key === 'from' && !opts.expand) {
      const i = value.indexOf('$');
      if (i !== -1 && i !== value.length - 1) throw new InvalidArgument(`'${key}' doesn't support variable expansion, define alias stage instead`);
    }
    if (opts.expand) value = opts.expand(value);
    switch (key) {
      case 'type': {
        const t = value.toLowerCase() as MountType;
        if (mountTypes.includes(t)) m.type = t;
        else fail(`unsupported mount type ${JSON.stringify(value)}`);
        break;
      }
      case 'from': m.from = value; break;
      case 'source': case 'src': m.source = value; break;
      case 'target': case 'dst': case 'destination': m.target = value; break;
      case 'readonly': case 'ro': guard(() => { m.readOnly = parseBool(key, value); roAuto = false; }); break;
      case 'readwrite': case 'rw': guard(() => { m.readOnly = !parseBool(key, value); roAuto = false; }); break;
      case 'required':
        if (m.type === 'secret' || m.type === 'ssh') guard(() => { m.required = parseBool(key, value); });
        else fail(`unexpected key '${key}' for mount type '${m.type}'`);
        break;
      case 'size':
        if (m.type === 'tmpfs') guard(() => { try { m.sizeLimit = ramInBytes(value); } catch { throw new InvalidArgument(`invalid value for ${key}: ${value}`); } });
        else fail(`unexpected key '${key}' for mount type '${m.type}'`);
        break;
      case 'id': m.id = value; break;
      case 'sharing': {
        const s = value.toLowerCase() as CacheSharing;
        if (sharingModes.includes(s)) m.sharing = s;
        else fail(`unsupported sharing value ${JSON.stringify(value)}`);
        break;
      }
      case 'mode': guard(() => { m.mode = parseUint(value, 8, 'mode'); }); break;
      case 'uid': guard(() => { m.uid = parseUint(value, 10, 'uid'); }); break;
      case 'gid': guard(() => { m.gid = parseUint(value, 10, 'gid'); }); break;
      case 'env': m.env = value; break;
      default: fail(`unexpected key '${key}' in '${field}'`);
    }
  }
  const fileInfoAllowed = m.type === 'secret' || m.type === 'ssh' || m.type === 'cache';
  if (!fileInfoAllowed) {
    for (const k of ['mode', 'uid', 'gid'] as const) {
      if (m[k] !== undefined) {
        fail(`${k} not allowed for ${JSON.stringify(m.type)} type mounts`);
        delete m[k];
      }
    }
  }
  if (roAuto) m.readOnly = !(m.type === 'cache' || m.type === 'tmpfs');
  if (m.type === 'secret') {
    if (m.from !== undefined) fail('secret mount should not have a from');
    if (m.sharing !== undefined) fail('secret mount should not define sharing');
    if (!m.source && !m.target && !m.id) fail('invalid secret mount. one of source, target required');
    if (m.source && m.id) fail("both source and id can't be set");
  }
  if (m.sharing !== undefined && m.type !== 'cache') fail(`invalid cache sharing set for ${m.type} mount`);
  return m;
}
