import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLOCK, checksumOk, decodeBlock, encodeHeader, parsePax } from './header.js';
import { headerOf } from './memory-tar.js';
import { TarParser } from './parser.js';
import type { TarHeader } from './types.js';

function parseAll(buf: Buffer): { headers: TarHeader[]; data: Map<string, Buffer>; raw: number; content: number } {
  const headers: TarHeader[] = [];
  const data = new Map<string, Buffer>();
  let cur = '';
  let raw = 0;
  let content = 0;
  const p = new TarParser({
    raw: (b) => (raw += b.length),
    entry: (h) => {
      headers.push(h);
      cur = h.name;
      data.set(cur, Buffer.alloc(0));
    },
    data: (c) => {
      content += c.length;
      data.set(cur, Buffer.concat([data.get(cur)!, c]));
    },
    entryEnd: () => {},
  });
  p.push(buf);
  p.end();
  return { headers, data, raw, content };
}

describe('tar headers', () => {
  it('encodes a short header as one ustar block with a valid checksum', () => {
    const b = encodeHeader(headerOf({ name: 'etc/passwd', data: 'x', mode: 0o4755, uid: 1000, gid: 50 }));
    assert.equal(b.length, BLOCK);
    assert.ok(checksumOk(b));
    assert.equal(b.toString('latin1', 257, 265), 'ustar\x0000');
    const r = decodeBlock(b);
    assert.equal(r.name, 'etc/passwd');
    assert.equal(r.mode, 0o4755);
    assert.equal(r.uid, 1000);
    assert.equal(r.gid, 50);
    assert.equal(r.size, 1);
  });

  it('uses PAX for long names, long link targets, big ids and xattrs, with sorted records', () => {
    const long = 'd/'.repeat(80) + 'file';
    const h = headerOf({
      name: long,
      type: 'symlink',
      linkname: 'x'.repeat(150),
      uid: 70_000_000,
      xattrs: { 'security.capability': Buffer.from([1, 0, 0, 2, 0xff]), 'user.a': 'b' },
    });
    const b = encodeHeader(h);
    assert.ok(b.length > BLOCK * 2);
    const pax = parsePax(b.subarray(BLOCK, BLOCK + decodeBlock(b).size));
    assert.deepEqual([...pax.keys()], ['SCHILY.xattr.security.capability', 'SCHILY.xattr.user.a', 'linkpath', 'path', 'uid']);
    const { headers } = parseAll(Buffer.concat([b, Buffer.alloc(1024)]));
    assert.equal(headers.length, 1);
    assert.equal(headers[0]!.name, long);
    assert.equal(headers[0]!.linkname, 'x'.repeat(150));
    assert.equal(headers[0]!.uid, 70_000_000);
    assert.deepEqual(headers[0]!.xattrs.get('security.capability'), Buffer.from([1, 0, 0, 2, 0xff]));
  });

  it('is deterministic: the same header gives the same bytes', () => {
    const e = { name: 'a/'.repeat(60) + 'b', data: 'hi', xattrs: { 'user.z': '1', 'user.a': '2' } };
    assert.deepEqual(encodeHeader(headerOf(e)), encodeHeader(headerOf(e)));
  });

  it('reads base-256 numbers and rejects a bad checksum with Go\'s message', () => {
    const b = encodeHeader(headerOf({ name: 'f', data: '' }));
    const big = Buffer.from(b);
    big[108] = 0x80;
    big.fill(0, 109, 116);
    big.writeUInt32BE(5_000_000_000 % 2 ** 32, 112);
    big[111] = 1; // 2^32 + ...
    big.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += big[i]!;
    big.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
    assert.equal(decodeBlock(big).uid, 5_000_000_000);
    const bad = Buffer.from(b);
    bad[0] = 0x41;
    assert.throws(() => decodeBlock(bad), /archive\/tar: invalid tar header/);
  });
});
