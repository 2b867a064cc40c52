/**
 * @module util/tar/parser
 * A streaming (push) tar parser: feed it chunks as they arrive, it calls a {@link TarHandler}
 * synchronously with headers, content and raw bytes. No buffering of content, so memory stays
 * flat however large the archive. Understands ustar, PAX (`x` records: path, linkpath, size,
 * uid, gid, mtime, uname, gname, SCHILY.xattr.*, LIBARCHIVE.xattr.*), GNU long names (`L`,
 * `K`) and old GNU/v7 headers. Global PAX headers are passed through as raw bytes.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { BLOCK, decodeBlock, entryTypeOf, paddingOf, parsePax, tarError } from './header.js';
import type { TarHandler, TarHeader } from './types.js';

/** Largest extended-header payload accepted (PAX records, GNU long names). */
const MAX_META = 16 << 20;

type State =
  | { s: 'header' }
  | { s: 'meta'; kind: string; remaining: number; parts: Buffer[]; padding: number }
  | { s: 'data'; remaining: number; padding: number }
  | { s: 'padding'; remaining: number }
  | { s: 'zero' } // saw one zero block
  | { s: 'end' };

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

export class TarParser {
  readonly #h: TarHandler;
  #state: State = { s: 'header' };
  readonly #block = Buffer.alloc(BLOCK);
  #blockFill = 0;
  #pax = new Map<string, Buffer>();
  #longName: string | undefined;
  #longLink: string | undefined;
  #entries = 0;

  constructor(handler: TarHandler) {
    this.#h = handler;
  }

  /** Number of entries seen so far. */
  get entries(): number {
    return this.#entries;
  }

  /** Whether the end-of-archive marker has been seen. */
  get ended(): boolean {
    return this.#state.s === 'end';
  }

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const st = this.#state;
      switch (st.s) {
        case 'end': {
          this.#h.raw(chunk.subarray(off));
          return;
        }
        case 'header':
        case 'zero': {
          const n = Math.min(BLOCK - this.#blockFill, chunk.length - off);
          chunk.copy(this.#block, this.#blockFill, off, off + n);
          this.#blockFill += n;
          off += n;
          if (this.#blockFill === BLOCK) {
            this.#blockFill = 0;
            this.#onBlock(Buffer.from(this.#block));
          }
          break;
        }
        case 'meta': {
          const n = Math.min(st.remaining, chunk.length - off);
          const part = chunk.subarray(off, off + n);
          st.parts.push(part);
          this.#h.raw(part);
          st.remaining -= n;
          off += n;
          if (st.remaining === 0) this.#onMetaDone(st);
          break;
        }
        case 'data': {
          const n = Math.min(st.remaining, chunk.length - off);
          if (n > 0) this.#h.data(chunk.subarray(off, off + n));
          st.remaining -= n;
          off += n;
          if (st.remaining === 0) {
            this.#h.entryEnd();
            this.#state = st.padding ? { s: 'padding', remaining: st.padding } : { s: 'header' };
          }
          break;
        }
        case 'padding': {
          const n = Math.min(st.remaining, chunk.length - off);
          this.#h.raw(chunk.subarray(off, off + n));
          st.remaining -= n;
          off += n;
          if (st.remaining === 0) this.#state = { s: 'header' };
          break;
        }
      }
    }
  }

  /** Ends the stream: throws when it stopped in the middle of an entry. */
  end(): void {
    const st = this.#state;
    if (st.s === 'end' || st.s === 'zero') return;
    if (st.s === 'header' && this.#blockFill === 0 && this.#pax.size === 0 && this.#longName === undefined && this.#longLink === undefined) {
      // No end-of-archive marker: accepted, as Go's archive/tar does.
      return;
    }
    throw new InvalidArgument('unexpected EOF: the tar archive is truncated');
  }

  #onBlock(b: Buffer): void {
    const st = this.#state;
    if (isZero(b)) {
      this.#h.raw(b);
      this.#state = st.s === 'zero' ? { s: 'end' } : { s: 'zero' };
      return;
    }
    if (st.s === 'zero') throw tarError('non-zero block after an end-of-archive block');
    const raw = decodeBlock(b);
    this.#h.raw(b);
    const t = raw.typeflag;
    if (t === 'x' || t === 'g' || t === 'L' || t === 'K') {
      if (raw.size > MAX_META) throw tarError(`extended header of ${raw.size} bytes is too large`);
      const meta: State = { s: 'meta', kind: t, remaining: raw.size, parts: [], padding: paddingOf(raw.size) };
      this.#state = meta;
      if (raw.size === 0) this.#onMetaDone(meta);
      return;
    }
    const pax = this.#pax;
    this.#pax = new Map();
    const name = this.#longName ?? raw.name;
    const linkname = this.#longLink ?? raw.linkname;
    this.#longName = undefined;
    this.#longLink = undefined;
    const str = (k: string) => pax.get(k)?.toString('utf8');
    const num = (k: string, dflt: number): number => {
      const v = str(k);
      if (v === undefined) return dflt;
      const n = Number(v);
      if (!Number.isFinite(n)) throw tarError(`invalid PAX ${k} ${JSON.stringify(v)}`);
      return n;
    };
    const fullName = str('path') ?? name;
    const type = entryTypeOf(t, fullName);
    if (type === undefined) {
      if (t === 'S') throw new InvalidArgument(`unsupported tar entry ${JSON.stringify(fullName)}: GNU sparse files are not supported`);
      // Other types (GNU dumpdir 'D', volume label 'V', …) are skipped with their content.
      const size = num('size', raw.size);
      this.#state = size > 0 ? { s: 'padding', remaining: size + paddingOf(size) } : { s: 'header' };
      return;
    }
    const xattrs = new Map<string, Buffer>();
    for (const [k, v] of pax) {
      if (k.startsWith('SCHILY.xattr.')) xattrs.set(k.slice('SCHILY.xattr.'.length), v);
      else if (k.startsWith('LIBARCHIVE.xattr.')) {
        xattrs.set(decodeURIComponent(k.slice('LIBARCHIVE.xattr.'.length)), Buffer.from(v.toString('latin1'), 'base64'));
      }
    }
    // Header-only types carry no content whatever their size field says (as in Go).
    const size = type === 'file' ? num('size', raw.size) : 0;
    const h: TarHeader = {
      name: fullName,
      type,
      mode: raw.mode & 0o7777,
      uid: num('uid', raw.uid),
      gid: num('gid', raw.gid),
      size,
      mtime: num('mtime', raw.mtime),
      linkname: str('linkpath') ?? linkname,
      uname: str('uname') ?? raw.uname,
      gname: str('gname') ?? raw.gname,
      devmajor: raw.devmajor,
      devminor: raw.devminor,
      xattrs,
    };
    if (!Number.isSafeInteger(h.size) || h.size < 0) throw tarError(`invalid size ${h.size}`);
    this.#entries++;
    this.#h.entry(h);
    if (size > 0) this.#state = { s: 'data', remaining: size, padding: paddingOf(size) };
    else {
      this.#h.entryEnd();
      this.#state = { s: 'header' };
    }
  }

  #onMetaDone(st: { kind: string; parts: Buffer[]; padding: number }): void {
    const data = Buffer.concat(st.parts);
    if (st.kind === 'x') {
      for (const [k, v] of parsePax(data)) this.#pax.set(k, v);
    } else if (st.kind === 'L') {
      this.#longName = data.toString('utf8').replace(/\0.*$/s, '');
    } else if (st.kind === 'K') {
      this.#longLink = data.toString('utf8').replace(/\0.*$/s, '');
    }
    this.#state = st.padding ? { s: 'padding', remaining: st.padding } : { s: 'header' };
  }
}
