import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FailedPrecondition, InvalidArgument } from '../../errdefs/index.js';
import { openContext } from './context-source.js';

describe('build context: a local directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-context-source-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'ctx');
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(dir, '.dockerignore'), 'secret\n');
  writeFileSync(join(dir, 'secret'), 'x');
  const opts = { scratch: join(root, 'scratch'), cacheRoot: join(root, 'cache'), dockerfile: 'Dockerfile', signal: new AbortController().signal };

  it('is used in place when its device and inode match, through .dockerignore', async () => {
    const st = statSync(dir);
    const opened = await openContext({ kind: 'local', path: dir, dev: st.dev, ino: st.ino }, opts);
    try {
      assert.equal(opened.dockerfile.text, 'FROM scratch\n');
    } finally {
      await opened.context.dispose();
    }
  });

  it('is a FailedPrecondition (HTTP 412, the CLI then sends a tar) when the daemon sees another directory', async () => {
    const st = statSync(dir);
    await assert.rejects(openContext({ kind: 'local', path: dir, dev: st.dev, ino: st.ino + 1 }, opts), (e: unknown) => {
      assert.ok(e instanceof FailedPrecondition);
      assert.ok(!(e instanceof InvalidArgument));
      assert.match((e as Error).message, /local build context not visible to the daemon/);
      return true;
    });
    await assert.rejects(openContext({ kind: 'local', path: join(root, 'missing'), dev: 0, ino: 0 }, opts), FailedPrecondition);
  });
});
