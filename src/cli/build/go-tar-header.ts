/**
 * @module cli/build/go-tar-header
 * Tar headers for the build context as Go's archive/tar writes them for the docker CLI: USTAR
 * whenever it can (long ASCII paths split into the 155-byte prefix field), a PAX record only
 * for what USTAR cannot hold (non-ASCII or unsplittable long paths, long or non-ASCII link
 * targets). The same header choices give the same context size, which `berth build` prints
 * as docker does.
 */
import { encodeBlock, paddingOf, paxRecord } from '../../util/tar/header.js';

export interface ContextHeader {
  name: string;
  typeflag: string;
  mode: number;
  size: number;
  mtime: number;
  linkname: string;
}

const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s);

/** Go's splitUSTARPath: a prefix (≤155) and name (≤100) split at a slash, if possible. */
function splitUstar(name: string): [string, string] | undefined {
  const len = name.length;
  if (len <= 100 || !isAscii(name)) return undefined;
  let i = Math.min(len - 1, 155);
  while (i > 0 && name[i] !== '/') i--;
  const prefix = name.slice(0, i);
  const rest = name.slice(i + 1);
  if (i <= 0 || prefix.length > 155 || rest.length > 100 || rest.length === 0) return undefined;
  return [prefix, rest];
}

function block(name: string, prefix: string, h: ContextHeader, typeflag: string, size: number, mode: number, linkname: string): Buffer {
  return encodeBlock(
    { typeflag, name, linkname, mode, uid: 0, gid: 0, size, mtime: h.mtime, uname: '', gname: '', devmajor: 0, devminor: 0 },
    prefix,
  );
}

/** The header bytes (a PAX entry first when needed) for one context entry. */
export function encodeContextHeader(h: ContextHeader): Buffer {
  const pax: [string, string][] = [];
  let name = h.name;
  let prefix = '';
  if (h.name.length > 100 || !isAscii(h.name)) {
    const split = splitUstar(h.name);
    if (split) [prefix, name] = split;
    else pax.push(['path', h.name]);
  }
  let linkname = h.linkname;
  if (Buffer.byteLength(h.linkname) > 100 || !isAscii(h.linkname)) pax.push(['linkpath', h.linkname]);
  if (pax.length === 0) return block(name, prefix, h, h.typeflag, h.size, h.mode, linkname);
  if (pax.some(([k]) => k === 'path')) name = Buffer.from(h.name).subarray(0, 100).toString('latin1').replace(/[^\x00-\x7f]/g, '_');
  if (pax.some(([k]) => k === 'linkpath')) linkname = '';
  pax.sort(([a], [b]) => (a < b ? -1 : 1));
  const data = Buffer.concat(pax.map(([k, v]) => paxRecord(k, Buffer.from(v))));
  const base = h.name.replace(/\/$/, '');
  const slash = base.lastIndexOf('/');
  const paxName = `${slash >= 0 ? base.slice(0, slash) : '.'}/PaxHeaders.0/${base.slice(slash + 1)}`.slice(0, 100);
  const paxHeader = block(paxName.replace(/[^\x00-\x7f]/g, '_'), '', h, 'x', data.length, 0o644, '');
  return Buffer.concat([paxHeader, data, Buffer.alloc(paddingOf(data.length)), block(name, prefix, h, h.typeflag, h.size, h.mode, linkname)]);
}
