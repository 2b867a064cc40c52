import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { digestOf } from '../../image/digest.js';
import { LocalContentStore } from './local-content-store.js';

async function* parts(...bs: string[]) {
  for (const b of bs) yield Buffer.from(b);
}

describe('LocalContentStore', () => {
  let root: string;
  let cs: LocalContentStore;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'berth-content-'));
    cs = new LocalContentStore(root);
    await cs.recover();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes, verifies and reads blobs by digest', async () => {
    const info = await cs.writeBlob(Buffer.from('hello'));
    assert.deepEqual(info, { digest: digestOf('hello'), size: 5 });
    assert.equal((await cs.readBlob(info.digest)).toString(), 'hello');
    assert.deepEqual(await cs.info(info.digest), info);
    await assert.rejects(cs.writeBlob(Buffer.from('x'), digestOf('y')), /digest mismatch/);
    await assert.rejects(cs.readBlob(digestOf('absent')), /not found/);
  });

  it('ingests streams, checking digest and size, and leaves nothing staged on failure', async () => {
    const ok = await cs.ingest(parts('ab', 'cd'), { digest: digestOf('abcd'), size: 4 });
    assert.equal(ok.digest, digestOf('abcd'));
    await assert.rejects(cs.ingest(parts('ab'), { digest: digestOf('abcd') }), /digest mismatch/);
    await assert.rejects(cs.ingest(parts('abcdef'), { size: 4 }), /size mismatch/);
    assert.deepEqual(readdirSync(join(root, 'tmp', 'content')), []);
  });

  it('detects corruption on read and recovers staging leftovers', async () => {
    const { digest } = await cs.writeBlob(Buffer.from('data'));
    writeFileSync(cs.blobPath(digest), 'tampered');
    await assert.rejects(cs.readBlob(digest), /does not match/);
    writeFileSync(join(root, 'tmp', 'content', 'partial'), 'x');
    await cs.recover();
    assert.deepEqual(readdirSync(join(root, 'tmp', 'content')), []);
    assert.ok((await cs.list()).some((b) => b.digest === digest));
  });
});
