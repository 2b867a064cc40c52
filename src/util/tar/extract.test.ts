import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { native } from '../native.js';
import { Extractor, type ExtractOptions } from './extract.js';
import { TarIngest } from './ingest.js';
import { tarFromEntries, type MemEntry } from './memory-tar.js';
import { hashDir, packDir } from './pack.js';
import { replayTarSplit, TarSplitWriter } from './tar-split.js';

const isRoot = process.getuid?.() === 0;
const rootOnly = isRoot ? false : 'needs root (mknod, chown, trusted.* xattrs)';
let base: string;
let n = 0;

function fresh(): { dir: string; root: string } {
  const dir = join(base, String(n++));
  const root = join(dir, 'root');
  mkdirSync(root, { recursive: true });
  return { dir, root };
}

/** Extracts as the layer store does (thread-pool writes), or synchronously with asyncWrites: false. */
async function extract(buf: Buffer, root: string, opts: Partial<ExtractOptions> = {}, chunk = 7001) {
  const ex = new Extractor(root, { whiteouts: 'overlay', asyncWrites: true, ...opts });
  const ing = new TarIngest(ex);
  try {
    for (let i = 0; i < buf.length; i += chunk) {
      await ing.write(buf.subarray(i, i + chunk));
      await ex.pressure();
    }
    const r = await ing.end();
    return { ...r, ...(await ex.finishAsync()) };
  } catch (e) {
    ex.abort();
    throw e;
  }
}

async function collect(gen: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of gen) parts.push(b);
  return Buffer.concat(parts);
}

function sha(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

/** Every path under dir (relative), for "nothing was written outside" checks. */
function listAll(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      out.push(rel + name);
      if (lstatSync(join(d, name)).isDirectory()) walk(join(d, name), rel + name + '/');
    }
  };
  walk(dir, '');
  return out;
}

describe('tar extraction', () => {
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'berth-tar-'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  for (const asyncWrites of [true, false]) it(`extracts files, dirs, symlinks, hard links, modes, long names and mtimes; diffID = sha256 of the tar (${asyncWrites ? 'thread-pool' : 'synchronous'} writes)`, async () => {
    const { root } = fresh();
    const long = 'deep/' + 'x'.repeat(120) + '/file.txt';
    const tar = tarFromEntries([
      { name: 'bin/', mode: 0o755, mtime: 1_600_000_000 },
      { name: 'bin/tool', data: 'binary', mode: 0o4755, mtime: 1_600_000_001 },
      { name: 'bin/link', type: 'link', linkname: 'bin/tool' },
      { name: 'bin/sl', type: 'symlink', linkname: 'tool' },
      { name: 'tmp/', mode: 0o1777 },
      { name: long, data: 'deep content' },
      { name: 'empty', data: '' },
    ]);
    const r = await extract(tar, root, { asyncWrites });
    assert.equal(r.tar.digest, sha(tar));
    assert.equal(r.compression, 'none');
    assert.equal(readFileSync(join(root, 'bin/tool'), 'utf8'), 'binary');
    assert.equal(lstatSync(join(root, 'bin/tool')).mode & 0o7777, 0o4755);
    assert.equal(lstatSync(join(root, 'bin/tool')).ino, lstatSync(join(root, 'bin/link')).ino);
    assert.equal(readlinkSync(join(root, 'bin/sl')), 'tool');
    assert.equal(lstatSync(join(root, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(readFileSync(join(root, long), 'utf8'), 'deep content');
    assert.equal(Math.floor(lstatSync(join(root, 'bin/tool')).mtimeMs / 1000), 1_600_000_001);
    assert.equal(Math.floor(lstatSync(join(root, 'bin')).mtimeMs / 1000), 1_600_000_000);
    assert.equal(r.size, 6 + 4 + 12);
  });

  it('accepts gzip (detected by magic) and reports both digests', async () => {
    const { root } = fresh();
    const tar = tarFromEntries([{ name: 'a', data: 'hello' }]);
    const gz = gzipSync(tar);
    const r = await extract(gz, root, {}, 10);
    assert.equal(r.compression, 'gzip');
    assert.equal(r.tar.digest, sha(tar));
    assert.equal(r.blob.digest, sha(gz));
    assert.equal(readFileSync(join(root, 'a'), 'utf8'), 'hello');
  });

  it('sets owners, device nodes, fifos and xattrs (security.capability survives chown)', { skip: rootOnly }, async () => {
    const { root } = fresh();
    const cap = Buffer.from('0100000200200000000000000000000000000000', 'hex');
    const tar = tarFromEntries([
      { name: 'ping', data: 'x', uid: 1000, gid: 1000, mode: 0o755, xattrs: { 'security.capability': cap, 'user.note': 'hi' } },
      { name: 'null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'sda', type: 'block', devmajor: 8, devminor: 0, mode: 0o660 },
      { name: 'pipe', type: 'fifo', mode: 0o600, uid: 7 },
    ]);
    await extract(tar, root);
    const st = lstatSync(join(root, 'ping'));
    assert.equal(st.uid, 1000);
    assert.deepEqual(native().lgetxattr(join(root, 'ping'), 'security.capability'), cap);
    assert.equal(native().lgetxattr(join(root, 'ping'), 'user.note')?.toString(), 'hi');
    const nul = lstatSync(join(root, 'null'));
    assert.ok(nul.isCharacterDevice());
    assert.equal(nul.rdev, (1 << 8) | 3);
    assert.equal(nul.mode & 0o777, 0o666);
    assert.ok(lstatSync(join(root, 'sda')).isBlockDevice());
    assert.ok(lstatSync(join(root, 'pipe')).isFIFO());
    assert.equal(lstatSync(join(root, 'pipe')).uid, 7);
  });

  it('turns AUFS whiteouts into overlay whiteouts and back (packer), byte for byte', { skip: rootOnly }, async () => {
    const { root } = fresh();
    const tar = tarFromEntries([
      { name: 'etc/', mode: 0o755 },
      { name: 'etc/.wh.gone', data: '', mode: 0o600 },
      { name: 'opaque/', mode: 0o750 },
      { name: 'opaque/.wh..wh..opq', data: '', mode: 0o750 },
      { name: 'opaque/keep', data: 'k' },
    ]);
    await extract(tar, root);
    const wh = lstatSync(join(root, 'etc/gone'));
    assert.ok(wh.isCharacterDevice());
    assert.equal(wh.rdev, 0);
    assert.equal(native().lgetxattr(join(root, 'opaque'), 'trusted.overlay.opaque')?.toString(), 'y');
    assert.ok(!existsSync(join(root, 'etc/.wh.gone')));
    const packed = await collect(packDir(root, { whiteouts: 'overlay' }));
    const listing = execFileSync('tar', ['-tvf', '-'], { input: packed }).toString();
    assert.match(listing, /etc\/\.wh\.gone/);
    assert.match(listing, /opaque\/\.wh\.\.wh\.\.opq/);
    assert.doesNotMatch(listing, /trusted\.overlay/);
    // Round trip: extracting the packed tar again and packing gives the same bytes.
    const { root: root2 } = fresh();
    await extract(packed, root2);
    assert.equal(sha(await collect(packDir(root2, { whiteouts: 'overlay' }))), sha(packed));
  });

  it('reproduces a foreign tar byte for byte from tar-split + the directory, including replaced entries', async () => {
    const { dir, root } = fresh();
    const src = join(dir, 'src');
    mkdirSync(join(src, 'sub/' + 'y'.repeat(110)), { recursive: true });
    writeFileSync(join(src, 'sub/a.txt'), 'A'.repeat(1000));
    writeFileSync(join(src, 'sub/' + 'y'.repeat(110) + '/long-' + 'z'.repeat(100)), 'long');
    symlinkSync('a.txt', join(src, 'sub/ln'));
    execFileSync('ln', [join(src, 'sub/a.txt'), join(src, 'sub/hard')]);
    const gnu = execFileSync('tar', ['-C', src, '--format=gnu', '-cf', '-', '.']);
    const pax = execFileSync('tar', ['-C', src, '--format=posix', '-cf', '-', '.']);
    // A tar where a later entry replaces an earlier file (its content must still replay).
    const dup = tarFromEntries([{ name: 'f', data: 'first version' }, { name: 'g', type: 'link', linkname: 'f' }, { name: 'f', data: 'second' }]);
    for (const [i, tar] of [gnu, pax, dup].entries()) {
      const r = join(root, String(i));
      mkdirSync(join(r, 'diff'), { recursive: true });
      mkdirSync(join(r, 'extra'));
      const split = new TarSplitWriter(join(r, 'split'));
      const res = await extract(tar, join(r, 'diff'), { split, extraDir: join(r, 'extra') });
      split.finish();
      const out = await collect(
        replayTarSplit(join(r, 'split'), (idx, p) => (res.moved[idx] ? join(r, 'extra', res.moved[idx]!) : join(r, 'diff', p))),
      );
      assert.equal(sha(out), sha(tar), `tar #${i}`);
    }
    assert.equal(readFileSync(join(root, '2/diff/f'), 'utf8'), 'second');
    assert.equal(readFileSync(join(root, '2/diff/g'), 'utf8'), 'first version');
  });

  it('packs deterministically, and GNU tar reads what it writes', async () => {
    const { dir, root } = fresh();
    mkdirSync(join(root, 'b/c'), { recursive: true });
    writeFileSync(join(root, 'b/c/f'), 'x'.repeat(5000));
    writeFileSync(join(root, 'a-' + 'n'.repeat(150)), 'long name');
    writeFileSync(join(root, 'é'), 'utf8');
    symlinkSync('b/c/f', join(root, 'link'));
    const one = await collect(packDir(root, { whiteouts: 'overlay' }));
    const two = await collect(packDir(root, { whiteouts: 'overlay' }));
    assert.deepEqual(one, two);
    assert.equal(hashDir(root, { whiteouts: 'overlay' }).digest, sha(one));
    const names = execFileSync('tar', ['-tf', '-'], { input: one }).toString().trim().split('\n');
    assert.deepEqual(names, ['a-' + 'n'.repeat(150), 'b/', 'b/c/', 'b/c/f', 'link', 'é']);
    const out = join(dir, 'gnu-out');
    mkdirSync(out);
    execFileSync('tar', ['-C', out, '-xf', '-'], { input: one });
    assert.equal(readFileSync(join(out, 'b/c/f'), 'utf8'), 'x'.repeat(5000));
    assert.equal(readlinkSync(join(out, 'link')), 'b/c/f');
  });
});

describe('hostile archives', () => {
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'berth-tar-'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  /** Extracts into <dir>/root; asserts it fails with `re` and that nothing appeared beside root. */
  async function rejects(entries: MemEntry[] | Buffer, re: RegExp, prepare?: (root: string, dir: string) => void) {
    const { dir, root } = fresh();
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'passwd'), 'original');
    prepare?.(root, dir);
    const before = listAll(dir).filter((p) => !p.startsWith('root/'));
    const tar = Buffer.isBuffer(entries) ? entries : tarFromEntries(entries);
    await assert.rejects(extract(tar, root), re);
    assert.deepEqual(listAll(dir).filter((p) => !p.startsWith('root/')), before);
    assert.equal(readFileSync(join(outside, 'passwd'), 'utf8'), 'original');
  }

  it('rejects ".." paths', () => rejects([{ name: '../outside/passwd', data: 'pwned' }], /would leave the extraction root/));
  it('rejects ".." in the middle', () => rejects([{ name: 'a/../../outside/passwd', data: 'pwned' }], /would leave the extraction root/));
  it('rejects absolute paths', () => rejects([{ name: '/etc/berth-test-pwned', data: 'pwned' }], /absolute paths are not allowed/));

  it('rejects writing through a symlink planted earlier in the same tar', () =>
    rejects(
      [
        { name: 'evil', type: 'symlink', linkname: '/' },
        { name: 'evil2', type: 'symlink', linkname: 'evil' },
        { name: 'evil2/tmp/pwned', data: 'pwned' },
      ],
      /is a symbolic link/,
    ));

  it('rejects writing through a symlink already in the target (a lower layer)', () =>
    rejects([{ name: 'lower/passwd', data: 'pwned' }], /is a symbolic link/, (root, dir) => symlinkSync(join(dir, 'outside'), join(root, 'lower'))));

  it('keeps relative symlinks that lead outside the root as links (dockerd does)', async () => {
    const { root } = fresh();
    await extract(tarFromEntries([{ name: 'a/b', type: 'symlink', linkname: '../../outside' }]), root);
    assert.equal(readlinkSync(join(root, 'a', 'b')), '../../outside');
  });

  it('never writes through a relative symlink that leads outside', () =>
    rejects(
      [
        { name: 'a/b', type: 'symlink', linkname: '../../outside' },
        { name: 'a/b/pwned', data: 'pwned' },
      ],
      /is a symbolic link/,
    ));

  it('rejects hard links to outside', () => rejects([{ name: 'h', type: 'link', linkname: '../outside/passwd' }], /outside the extraction root/));

  it('rejects hard links through a symlink', () =>
    rejects(
      [
        { name: 's', type: 'symlink', linkname: '/' },
        { name: 'h', type: 'link', linkname: 's/etc/passwd' },
      ],
      /is a symbolic link/,
    ));

  it('inflates a gzip of several megabytes and members as sockets hand it over, and writes large files whole', async () => {
    const { root } = fresh();
    const big = randomBytes(3 << 20);
    const text = Buffer.alloc(5 << 20, 'compressible line of text\n');
    const tar = tarFromEntries([{ name: 'r', data: big }, { name: 't', data: text }, { name: 's', data: 'small' }]);
    // Two gzip members (as pigz and some registries write): one tar across both.
    const cut = 2 << 20;
    const gz = Buffer.concat([gzipSync(tar.subarray(0, cut), { level: 1 }), gzipSync(tar.subarray(cut), { level: 1 })]);
    const r = await extract(gz, root, {}, 64 << 10);
    assert.equal(r.compression, 'gzip');
    assert.equal(r.tar.digest, sha(tar));
    assert.equal(r.blob.digest, sha(gz));
    assert.ok(readFileSync(join(root, 'r')).equals(big));
    assert.ok(readFileSync(join(root, 't')).equals(text));
    assert.equal(readFileSync(join(root, 's'), 'utf8'), 'small');
  });

  it('rejects a truncated tar', () => {
    const tar = tarFromEntries([{ name: 'big', data: 'x'.repeat(10000) }]);
    return rejects(tar.subarray(0, 3000), /truncated/);
  });

  it('rejects a truncated gzip', () => {
    const gz = gzipSync(tarFromEntries([{ name: 'big', data: Buffer.alloc(200000, 7) }]));
    return rejects(gz.subarray(0, gz.length - 100), /unexpected end of file|truncated/);
  });

  it('rejects garbage with Go\'s message', () => rejects(Buffer.alloc(2048, 0x41), /archive\/tar: invalid tar header/));

  it('handles a tar bomb of 100,000 empty files in bounded memory, and enforces an entry limit', async () => {
    const entries: MemEntry[] = [{ name: 'bomb/' }];
    for (let i = 0; i < 100_000; i++) entries.push({ name: `bomb/${i}`, data: '' });
    const tar = tarFromEntries(entries);
    const { root } = fresh();
    const before = process.memoryUsage().rss;
    const r = await extract(tar, root, {}, 1 << 20);
    assert.equal(r.entries, 100_001);
    assert.equal(readdirSync(join(root, 'bomb')).length, 100_000);
    assert.ok(process.memoryUsage().rss - before < 300 << 20, 'extraction memory stays bounded');
    const { root: root2 } = fresh();
    await assert.rejects(extract(tar, root2, { limits: { maxEntries: 50_000 } }, 1 << 20), /more than 50000 entries/);
  });
});
