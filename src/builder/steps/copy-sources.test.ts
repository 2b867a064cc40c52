import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DigestCache } from '../context/digest-cache.js';
import { DirContext } from '../context/dir-context.js';
import { resolveSources, sourceChecksum } from './copy-sources.js';

const roots: string[] = [];
function context(): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-src-test-'));
  roots.push(root);
  mkdirSync(join(root, 'dir/sub'), { recursive: true });
  writeFileSync(join(root, 'a.txt'), 'a');
  writeFileSync(join(root, 'b.txt'), 'b');
  writeFileSync(join(root, 'dir/sub/c'), 'c');
  symlinkSync('a.txt', join(root, 'link'));
  symlinkSync('../outside', join(root, 'out'));
  symlinkSync('/dir/../a.txt', join(root, 'abs'));
  mkdirSync(join(root, 'ignored'));
  writeFileSync(join(root, 'ignored/x'), 'x');
  return root;
}
const filter = { excluded: (rel: string) => rel === 'ignored' || rel.startsWith('ignored/'), mayReinclude: () => false };

describe('COPY sources', () => {
  after(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('resolves names, patterns and symlinks inside the context', () => {
    const ctx = new DirContext(context(), { filter });
    assert.deepEqual(resolveSources(ctx, ['*.txt', './dir', '/link'], { strict: true }).map((s) => [s.path, s.rel, s.name]), [
      ['a.txt', 'a.txt', 'a.txt'], ['b.txt', 'b.txt', 'b.txt'], ['dir', 'dir', 'dir'], ['link', 'a.txt', 'link'],
    ]);
    assert.deepEqual(resolveSources(ctx, ['d*/s*'], { strict: true }).map((s) => s.rel), ['dir/sub']);
  });

  it('matches source patterns with "-" and non-ASCII names', () => {
    const root = context();
    writeFileSync(join(root, 'my-café.txt'), 'c');
    writeFileSync(join(root, 'my-tea.txt'), 't');
    const ctx = new DirContext(root, { filter });
    assert.deepEqual(resolveSources(ctx, ['my-caf?.*', 'my-[s-u]*'], { strict: true }).map((s) => s.rel), ['my-café.txt', 'my-tea.txt']);
  });

  it("fails as Docker does: missing or excluded, outside the context, nothing matched", () => {
    const ctx = new DirContext(context(), { filter });
    assert.throws(() => resolveSources(ctx, ['ignored/x'], { strict: true }), /^NotFound: file not found in build context or excluded by \.dockerignore: stat ignored\/x: file does not exist$/);
    assert.throws(() => resolveSources(ctx, ['../x'], { strict: true }), /forbidden path outside the build context: \.\.\/x \(\)/);
    // Symlinks resolve within the context, as dockerd's FollowSymlinkInScope.
    assert.throws(() => resolveSources(ctx, ['out'], { strict: true }), /^NotFound: file not found in build context or excluded by \.dockerignore: stat out: file does not exist$/);
    assert.deepEqual(resolveSources(ctx, ['abs'], { strict: true }).map((s) => [s.name, s.rel]), [['abs', 'a.txt']]);
    assert.throws(() => resolveSources(ctx, ['*.none'], { strict: true }), /no source files were specified/);
  });

  it('checksums content, modes and names, never mtimes', async () => {
    const root = context();
    const ctx = () => new DirContext(root, { filter, cache: new DigestCache() });
    const sum = async () => {
      const c = ctx();
      const [s] = resolveSources(c, ['dir'], { strict: true });
      return sourceChecksum(c, s!, false);
    };
    const first = await sum();
    assert.match(first, /^dir:[0-9a-f]{64}$/);
    utimesSync(join(root, 'dir/sub/c'), 1, 1);
    assert.equal(await sum(), first);
    chmodSync(join(root, 'dir/sub/c'), 0o600);
    const moded = await sum();
    assert.notEqual(moded, first);
    writeFileSync(join(root, 'dir/sub/c'), 'C');
    assert.notEqual(await sum(), moded);
  });
});
