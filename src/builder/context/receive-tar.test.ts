import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { tarFromEntries } from '../../util/tar/memory-tar.js';
import { receiveContextTar } from './receive-tar.js';

async function* stream(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

const dirs: string[] = [];
const dir = () => {
  const d = join(mkdtempSync(join(tmpdir(), 'berth-recv-')), 'ctx');
  dirs.push(join(d, '..'));
  return d;
};

describe('receiveContextTar', () => {
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('extracts plain and gzip contexts and hashes their files', async () => {
    const tar = tarFromEntries([{ name: 'Dockerfile', data: 'FROM x\n' }, { name: 'a/', type: 'dir' }, { name: 'a/b', data: 'bee' }]);
    for (const body of [tar, gzipSync(tar)]) {
      const d = dir();
      const r = await receiveContextTar(stream(body), d);
      assert.equal(r.size, body.length);
      assert.equal(readFileSync(join(d, 'a/b'), 'utf8'), 'bee');
      assert.equal(r.digests.get('a/b'), `sha256:${createHash('sha256').update('bee').digest('hex')}`);
      assert.match(r.digests.get('Dockerfile')!, /^sha256:[0-9a-f]{64}$/);
    }
  });

  it("accepts the docker CLI's `-f -` stream, which stops right after the last file's content", async () => {
    const full = tarFromEntries([{ name: 'x', data: 'x' }, { name: '.dockerfile.abc', data: 'FROM busybox\n' }], { noEnd: true });
    const cut = full.subarray(0, full.length - (512 - 13));
    const d = dir();
    await receiveContextTar(stream(cut), d);
    assert.equal(readFileSync(join(d, '.dockerfile.abc'), 'utf8'), 'FROM busybox\n');
    // A stream cut inside a file's content is still an error.
    await assert.rejects(receiveContextTar(stream(full.subarray(0, 1536 + 5)), dir()), /truncated/);
  });
});
