import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TarParser } from '../../util/tar/parser.js';
import type { TarHeader } from '../../util/tar/types.js';
import { contextTar, contextTarSize } from './context-tar.js';
import { readDockerignore, walkContext } from './context-walk.js';
import { sendingContextLine } from './sending-line.js';

const roots: string[] = [];
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-ctx-test-'));
  roots.push(root);
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    if (rel.endsWith('/')) mkdirSync(join(root, rel), { recursive: true });
    else writeFileSync(join(root, rel), data);
  }
  return root;
}

async function entriesOf(stream: NodeJS.ReadableStream): Promise<{ headers: TarHeader[]; size: number }> {
  const headers: TarHeader[] = [];
  let size = 0;
  const p = new TarParser({ raw: () => {}, entry: (h) => headers.push(h), data: () => {}, entryEnd: () => {} });
  for await (const c of stream) {
    size += (c as Buffer).length;
    p.push(c as Buffer);
  }
  p.end();
  return { headers, size };
}

describe('context walk and tar', () => {
  after(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('leaves out .dockerignore exclusions but keeps exceptions, the Dockerfile and .dockerignore', () => {
    const root = tree({
      'a.txt': 'a', 'b.log': 'b', 'logs/x.log': 'x', 'logs/keep.log': 'k', 'node_modules/m/i.js': 'i', 'Dockerfile': 'FROM x',
      '.dockerignore': '*.log\nlogs\n!logs/keep.log\nnode_modules\nDockerfile\n.dockerignore\n',
    });
    const names = walkContext(root, readDockerignore(root), ['.dockerignore', 'Dockerfile']).map((e) => e.rel);
    assert.deepEqual(names, ['.dockerignore', 'Dockerfile', 'a.txt', 'logs/keep.log']);
  });

  it('marks later names of a hard-linked file as links and keeps symlinks', () => {
    const root = tree({ 'a': 'data', 'dir/': '' });
    linkSync(join(root, 'a'), join(root, 'dir', 'h'));
    symlinkSync('../a', join(root, 'dir', 's'));
    const e = walkContext(root, undefined, []);
    assert.deepEqual(e.map((x) => [x.rel, x.type, x.linkname]), [['a', 'file', ''], ['dir', 'dir', ''], ['dir/h', 'link', 'a'], ['dir/s', 'symlink', '../a']]);
  });

  it('sends a tar of exactly the announced size, owned by root, with the sizes Go writes', async () => {
    const root = tree({ 'Dockerfile': 'FROM busybox\n', 'hello.txt': 'hello world!\n' });
    const e = walkContext(root, undefined, []);
    assert.equal(contextTarSize(e), 3072, 'two small files: as docker reports 3.072kB');
    const { headers, size } = await entriesOf(contextTar(e));
    assert.equal(size, 3072);
    assert.deepEqual(headers.map((h) => [h.name, h.uid, h.gid]), [['Dockerfile', 0, 0], ['hello.txt', 0, 0]]);

    const long = `${'d'.repeat(80)}/${'f'.repeat(60)}`;
    const odd = tree({ [long]: 'x', 'ünï/ü.txt': 'u' });
    const e2 = walkContext(odd, undefined, []);
    // A long ASCII path splits into USTAR's prefix; non-ASCII names need a PAX record. (The docker
    // CLI reports 7.168kB for this tree plus a 13-byte Dockerfile: 6144 + 1024.)
    assert.equal(contextTarSize(e2), 512 + (512 + 512) + (1024 + 512) + (1024 + 512 + 512) + 1024);
    const parsed = await entriesOf(contextTar(e2));
    assert.equal(parsed.size, contextTarSize(e2));
    assert.deepEqual(parsed.headers.map((h) => h.name), [`${'d'.repeat(80)}/`, long, 'ünï/', 'ünï/ü.txt']);
  });

  it("prints docker's upload line", () => {
    assert.equal(sendingContextLine(3072, false), 'Sending build context to berth daemon  3.072kB\r\r\n');
    assert.equal(sendingContextLine(209_715_200 + 5000 * 1024, true), 'Sending build context to berth daemon  214.8MB\r');
    assert.equal(sendingContextLine(512, false), 'Sending build context to berth daemon     512B\r\r\n');
  });
});
