/**
 * @module image/cache-spec
 * `--cache-to` and `--cache-from` values as buildx spells them: comma-separated `key=value`
 * attributes with a `type`, or a bare reference (`HOST/NAME:TAG` = `type=registry,ref=…`).
 *
 * - `type=registry,ref=REF[,mode=min|max]`: the cache as an OCI image index pushed to REF.
 * - `type=local,dest=DIR[,mode=min|max]` / `type=local,src=DIR`: an OCI layout directory.
 * - `mode`: `min` (default) exports the records of the result's own steps, `max` those of
 *   every stage the build ran.
 * - `ignore-error=true` (export only): a failed export is a warning, not a failed build.
 * - buildx's format switches are accepted where berth's output already is what they ask
 *   for (`oci-mediatypes=true`, `compression=gzip`, `image-manifest=false`), an error otherwise.
 *
 * Parsed twice: by the CLI (to fail early and make local paths absolute) and by the daemon,
 * which receives the canonical text of {@link formatCacheSpec}.
 */
import { InvalidArgument } from '../errdefs/index.js';
import { parseNormalizedNamed } from './reference.js';

export type CacheMode = 'min' | 'max';
export type CacheFlag = 'cache-to' | 'cache-from';

export type CacheSpec =
  | { type: 'registry'; ref: string; mode: CacheMode; ignoreError: boolean }
  /** `dir`: `dest` for an export, `src` for an import; absolute once resolved. */
  | { type: 'local'; dir: string; mode: CacheMode; ignoreError: boolean };

const UNSUPPORTED_TYPES = new Set(['inline', 'gha', 's3', 'azblob', 'oss', 'gcs']);

/** Format attributes buildx accepts, with the values berth's format satisfies. */
const FORMAT_ATTRS: Record<string, (v: string) => boolean> = {
  'oci-mediatypes': (v) => v === 'true',
  compression: (v) => v === 'gzip',
  'compression-level': (v) => /^[0-9]$/.test(v),
  'force-compression': (v) => v === 'true' || v === 'false',
  'image-manifest': (v) => v === 'false',
};

function parseBool(v: string, bad: (why: string) => InvalidArgument): boolean {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw bad(`ignore-error must be true or false, not "${v}"`);
}

/**
 * Parses one value of `--cache-to` or `--cache-from`. `resolvePath` makes a local directory
 * absolute (the CLI: against its working directory); without it the path must be absolute.
 */
export function parseCacheSpec(value: string, flag: CacheFlag, resolvePath?: (p: string) => string): CacheSpec {
  const bad = (why: string) => new InvalidArgument(`invalid --${flag} "${value}": ${why}`);
  const attrs = new Map<string, string>();
  if (!value.includes('=')) {
    if (value.trim() === '') throw bad('empty value');
    attrs.set('type', 'registry').set('ref', value.trim());
  } else {
    for (const field of value.split(',')) {
      if (field.trim() === '') continue;
      const i = field.indexOf('=');
      if (i <= 0) throw bad(`"${field}" is not key=value`);
      const k = field.slice(0, i).trim().toLowerCase();
      if (attrs.has(k)) throw bad(`${k} given twice`);
      attrs.set(k, field.slice(i + 1).trim());
    }
  }
  const type = attrs.get('type');
  if (!type) throw bad('type is required (registry or local)');
  if (UNSUPPORTED_TYPES.has(type)) throw bad(`cache type "${type}" is not supported by berth (use registry or local)`);
  if (type !== 'registry' && type !== 'local') throw bad(`unknown cache type "${type}" (use registry or local)`);
  const dirKey = flag === 'cache-to' ? 'dest' : 'src';
  const known = new Set(['type', 'mode', 'ignore-error', type === 'registry' ? 'ref' : dirKey, ...(type === 'local' ? ['tag', 'digest'] : [])]);
  for (const [k, v] of attrs) {
    if (known.has(k)) continue;
    const ok = FORMAT_ATTRS[k];
    if (!ok) throw bad(`unknown attribute "${k}" for type=${type}`);
    if (!ok(v)) throw bad(`${k}=${v} is not supported: berth writes gzip layers in an OCI image index`);
  }
  const modeText = attrs.get('mode') ?? 'min';
  if (modeText !== 'min' && modeText !== 'max') throw bad(`mode must be min or max, not "${modeText}"`);
  const mode: CacheMode = modeText;
  const ignoreError = attrs.has('ignore-error') ? parseBool(attrs.get('ignore-error')!, bad) : false;
  if (type === 'registry') {
    const ref = attrs.get('ref');
    if (!ref) throw bad('ref is required for type=registry');
    let digest: string | undefined;
    try {
      digest = parseNormalizedNamed(ref).digest;
    } catch (e) {
      throw new InvalidArgument(`invalid --${flag} "${value}": ${(e as Error).message}`, { cause: e });
    }
    if (digest !== undefined && flag === 'cache-to') throw bad('cannot export the cache to a digest reference');
    return { type, ref, mode, ignoreError };
  }
  const dir = attrs.get(dirKey);
  if (!dir) throw bad(`${dirKey} is required for type=local`);
  const abs = resolvePath ? resolvePath(dir) : dir;
  if (!abs.startsWith('/')) throw bad(`${dirKey} must be an absolute path`);
  return { type, dir: abs, mode, ignoreError };
}

/** The canonical text of a spec (what the CLI sends; {@link parseCacheSpec} reads it back). */
export function formatCacheSpec(s: CacheSpec, flag: CacheFlag): string {
  const where = s.type === 'registry' ? `ref=${s.ref}` : `${flag === 'cache-to' ? 'dest' : 'src'}=${s.dir}`;
  return `type=${s.type},${where},mode=${s.mode}${s.ignoreError ? ',ignore-error=true' : ''}`;
}

/** How a spec is named in messages: the reference, or the directory. */
export function cacheSpecName(s: CacheSpec): string {
  return s.type === 'registry' ? s.ref : s.dir;
}
