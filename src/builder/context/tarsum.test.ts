import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { contextChecksum, resolveSources } from '../steps/copy-sources.js';
import { DirContext } from './dir-context.js';
import { dirChecksum, tarsumHash } from './tarsum.js';

// Checksums dockerd 20.10's legacy builder printed in history for this context, sent by the
// docker CLI 28: `COPY file:8582af4d… in /f` (f = "hi\n", 0644) and `COPY dir:649c5e2d… in /d`
// (d 0755 holding x = "x\n", 0644).
const FILE_F = '8582af4daeaf0680f84231b3cb3c1b3f178576b5a6a8982837583d5676f28428';
const DIR_D = 'dir:649c5e2d66cc69f4dedf115b0e9a088e65df0feaaa8b7780719ea57dabf2c9ca';

const header = (name: string, mode: number, size: number, typeflag = '0') => ({
  name, mode, uid: 0, gid: 0, size, typeflag, linkname: '', uname: '', gname: '', devmajor: 0, devminor: 0,
});

describe('tarsum', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tarsum-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sums a header and content as dockerd does', () => {
    assert.equal(tarsumHash(header('f', 0o644, 3)).update('hi\n').digest('hex'), FILE_F);
    const d = tarsumHash(header('d/', 0o755, 0, '5')).digest('hex');
    const x = tarsumHash(header('d/x', 0o644, 2)).update('x\n').digest('hex');
    assert.equal(dirChecksum([x, d]), DIR_D);
  });

  it('sums a directory read in place as the docker CLI would have sent it', async () => {
    writeFileSync(join(dir, 'f'), 'hi\n');
    chmodSync(join(dir, 'f'), 0o644);
    mkdirSync(join(dir, 'd'));
    chmodSync(join(dir, 'd'), 0o755);
    writeFileSync(join(dir, 'd', 'x'), 'x\n');
    chmodSync(join(dir, 'd', 'x'), 0o644);
    const ctx = new DirContext(dir);
    const [f] = resolveSources(ctx, ['f'], { strict: true });
    const [d] = resolveSources(ctx, ['./d/'], { strict: true });
    assert.equal(await contextChecksum(ctx, f!), `file:${FILE_F}`);
    assert.equal(await contextChecksum(ctx, d!), DIR_D);
  });

  it('takes a received tar\'s sums, and a path it had no entry for as itself', async () => {
    const ctx = new DirContext(dir, { knownTarsums: new Map([['f', 'abc']]) });
    assert.equal(await ctx.tarsum(ctx.lstat('f')!), 'abc');
    assert.equal(await ctx.tarsum(ctx.lstat('d')!), 'd');
  });
});
