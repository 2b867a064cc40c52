/**
 * @module util/tar/header
 * Encoding and decoding of tar header blocks: POSIX ustar with PAX extended headers, GNU
 * long names on input, base-256 numbers on input. Encoding is deterministic: the same
 * header always gives the same bytes (fixed field formats, sorted PAX records, PAX only
 * where ustar cannot hold a value).
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { TarEntryType, TarHeader } from './types.js';

export const BLOCK = 512;
export const ZERO_BLOCK = Buffer.alloc(BLOCK);

const typeflags: Record<TarEntryType, string> = {
  file: '0', link: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6',
};

/** Go's archive/tar error text, which Docker users see for garbage input. */
export class TarFormatError extends InvalidArgument {}

export function tarError(detail: string): TarFormatError {
  return new TarFormatError(`archive/tar: invalid tar header: ${detail}`);
}

function readString(b: Buffer, off: number, len: number): string {
  let end = off;
  const max = off + len;
  while (end < max && b[end] !== 0) end++;
  return b.toString('utf8', off, end);
}

function readNumber(b: Buffer, off: number, len: number, field: string): number {
  if (b[off]! & 0x80) {
    // base-256 (GNU): big-endian two's complement, first byte's top bit is the marker.
    let v = BigInt(b[off]! & 0x7f);
    if (b[off]! & 0x40) v -= 0x80n; // negative
    for (let i = 1; i < len; i++) v = (v << 8n) | BigInt(b[off + i]!);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw tarError(`${field} out of range`);
    return Number(v);
  }
  const s = b.toString('latin1', off, off + len).replace(/[\0 ]+$/g, '').replace(/^[\0 ]+/g, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw tarError(`invalid ${field} field ${JSON.stringify(s)}`);
  return parseInt(s, 8);
}

/** Verifies a header block's checksum (unsigned or signed sum, as tar implementations differ). */
export function checksumOk(b: Buffer): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : b[i]!;
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  let stored: number;
  try {
    stored = readNumber(b, 148, 8, 'checksum');
  } catch {
    return false;
  }
  return stored === unsigned || stored === signed;
}

export interface RawHeader {
  typeflag: string;
  name: string;
  linkname: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}

/** Decodes one header block (checksum verified); names still without PAX/GNU overrides. */
export function decodeBlock(b: Buffer): RawHeader {
  if (!checksumOk(b)) throw tarError('checksum mismatch (not a tar archive, or corrupt)');
  const magic = b.toString('latin1', 257, 263);
  const version = b.toString('latin1', 263, 265);
  const ustar = magic === 'ustar\0' && version === '00';
  const gnu = magic === 'ustar ' && version === ' \0';
  let name = readString(b, 0, 100);
  if (ustar) {
    const prefix = readString(b, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  const hasDev = ustar || gnu;
  return {
    typeflag: String.fromCharCode(b[156]!),
    name,
    linkname: readString(b, 157, 100),
    mode: readNumber(b, 100, 8, 'mode'),
    uid: readNumber(b, 108, 8, 'uid'),
    gid: readNumber(b, 116, 8, 'gid'),
    size: readNumber(b, 124, 12, 'size'),
    mtime: readNumber(b, 136, 12, 'mtime'),
    uname: hasDev ? readString(b, 265, 32) : '',
    gname: hasDev ? readString(b, 297, 32) : '',
    devmajor: hasDev ? readNumber(b, 329, 8, 'devmajor') : 0,
    devminor: hasDev ? readNumber(b, 337, 8, 'devminor') : 0,
  };
}

/** Maps a typeflag to an entry type; undefined for meta entries and unsupported types. */
export function entryTypeOf(typeflag: string, name: string): TarEntryType | undefined {
  switch (typeflag) {
    case '0':
    case '\0':
    case '7':
      return name.endsWith('/') ? 'dir' : 'file';
    case '1': return 'link';
    case '2': return 'symlink';
    case '3': return 'char';
    case '4': return 'block';
    case '5': return 'dir';
    case '6': return 'fifo';
    default: return undefined;
  }
}

/** Parses PAX records ("%d key=value\n"); values stay bytes (xattrs are binary). */
export function parsePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off < data.length) {
    if (data[off] === 0) break;
    const sp = data.indexOf(0x20, off);
    if (sp < 0) throw tarError('malformed PAX record');
    const len = Number(data.toString('latin1', off, sp));
    if (!Number.isInteger(len) || len <= sp - off + 1 || off + len > data.length || data[off + len - 1] !== 0x0a) {
      throw tarError('malformed PAX record');
    }
    const rec = data.subarray(sp + 1, off + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq < 0) throw tarError('malformed PAX record');
    out.set(rec.toString('utf8', 0, eq), Buffer.from(rec.subarray(eq + 1)));
    off += len;
  }
  return out;
}

/** One PAX extended-header record: `<length> <key>=<value>\n`, the length counting itself. */
export function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function writeOctal(b: Buffer, off: number, len: number, v: number): void {
  b.write(Math.max(0, Math.floor(v)).toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
  b[off + len - 1] = 0;
}

function writeString(b: Buffer, off: number, len: number, s: string): void {
  b.write(s, off, len, 'utf8');
}

const MAX_OCTAL_7 = 0o7777777;
const MAX_OCTAL_11 = 0o77777777777;

/**
 * A single ustar block with the checksum set. Values must already fit the fields; `prefix` is
 * the ustar prefix field (the leading directories of a name split to fit).
 */
export function encodeBlock(h: RawHeader, prefix = ''): Buffer {
  const b = Buffer.alloc(BLOCK);
  writeString(b, 0, 100, h.name);
  writeOctal(b, 100, 8, h.mode);
  writeOctal(b, 108, 8, h.uid);
  writeOctal(b, 116, 8, h.gid);
  writeOctal(b, 124, 12, h.size);
  writeOctal(b, 136, 12, h.mtime);
  b.fill(0x20, 148, 156);
  b.write(h.typeflag, 156, 1, 'latin1');
  writeString(b, 157, 100, h.linkname);
  b.write('ustar\x0000', 257, 8, 'latin1');
  writeString(b, 265, 32, h.uname);
  writeString(b, 297, 32, h.gname);
  writeOctal(b, 329, 8, h.devmajor);
  writeOctal(b, 337, 8, h.devminor);
  writeString(b, 345, 155, prefix);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  b.write(sum.toString(8).padStart(6, '0'), 148, 6, 'latin1');
  b[154] = 0;
  b[155] = 0x20;
  return b;
}

function paddingOf(n: number): number {
  return (BLOCK - (n % BLOCK)) % BLOCK;
}

/**
 * Encodes a header: one ustar block, preceded by a PAX `x` entry when a value does not fit
 * (path or link > 100 bytes, ids > 7 octal digits, size > 11 digits) or xattrs are present.
 */
export function encodeHeader(h: TarHeader): Buffer {
  const pax: [string, Buffer][] = [];
  const nameBytes = Buffer.byteLength(h.name);
  const linkBytes = Buffer.byteLength(h.linkname);
  if (nameBytes > 100) pax.push(['path', Buffer.from(h.name)]);
  if (linkBytes > 100) pax.push(['linkpath', Buffer.from(h.linkname)]);
  if (h.uid > MAX_OCTAL_7) pax.push(['uid', Buffer.from(String(h.uid))]);
  if (h.gid > MAX_OCTAL_7) pax.push(['gid', Buffer.from(String(h.gid))]);
  if (h.size > MAX_OCTAL_11) pax.push(['size', Buffer.from(String(h.size))]);
  if (Buffer.byteLength(h.uname) > 32) pax.push(['uname', Buffer.from(h.uname)]);
  if (Buffer.byteLength(h.gname) > 32) pax.push(['gname', Buffer.from(h.gname)]);
  for (const [k, v] of h.xattrs) pax.push([`SCHILY.xattr.${k}`, v]);
  const main = encodeBlock({
    typeflag: typeflags[h.type],
    name: nameBytes > 100 ? truncateUtf8(h.name, 100) : h.name,
    linkname: linkBytes > 100 ? truncateUtf8(h.linkname, 100) : h.linkname,
    mode: h.mode & 0o7777,
    uid: h.uid > MAX_OCTAL_7 ? 0 : h.uid,
    gid: h.gid > MAX_OCTAL_7 ? 0 : h.gid,
    size: h.size > MAX_OCTAL_11 ? 0 : h.size,
    mtime: Math.min(Math.max(0, Math.floor(h.mtime)), MAX_OCTAL_11),
    uname: Buffer.byteLength(h.uname) > 32 ? '' : h.uname,
    gname: Buffer.byteLength(h.gname) > 32 ? '' : h.gname,
    devmajor: h.devmajor,
    devminor: h.devminor,
  });
  if (pax.length === 0) return main;
  pax.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const data = Buffer.concat(pax.map(([k, v]) => paxRecord(k, v)));
  const slash = h.name.replace(/\/$/, '').lastIndexOf('/');
  const dir = slash >= 0 ? h.name.slice(0, slash) : '';
  const base = h.name.replace(/\/$/, '').slice(slash + 1);
  const paxName = truncateUtf8(dir ? `${dir}/PaxHeaders.0/${base}` : `PaxHeaders.0/${base}`, 100);
  const paxHdr = encodeBlock({
    typeflag: 'x', name: paxName, linkname: '', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: 0,
    uname: '', gname: '', devmajor: 0, devminor: 0,
  });
  return Buffer.concat([paxHdr, data, Buffer.alloc(paddingOf(data.length)), main]);
}

/** The longest prefix of `s` that fits `max` bytes of UTF-8 without splitting a character. */
function truncateUtf8(s: string, max: number): string {
  const b = Buffer.from(s);
  if (b.length <= max) return s;
  let end = max;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return b.toString('utf8', 0, end);
}

export { paddingOf };
