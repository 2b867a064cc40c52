import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { secureJoin } from './secure-join.js';

const root = mkdtempSync(join(tmpdir(), 'berth-sj-'));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'etc/real'), { recursive: true });
writeFileSync(join(root, 'etc/real/passwd'), 'x');
symlinkSync('/etc/shadow', join(root, 'etc/abs'));
symlinkSync('../../../../../../etc', join(root, 'etc/up'));
symlinkSync('real', join(root, 'etc/rel'));

describe('secureJoin', () => {
  it('follows relative links inside the root', async () => {
    assert.equal(await secureJoin(root, '/etc/rel/passwd'), join(root, 'etc/real/passwd'));
  });
  it('keeps absolute targets and .. inside the root', async () => {
    assert.equal(await secureJoin(root, '/etc/abs'), join(root, 'etc/shadow'));
    assert.equal(await secureJoin(root, '/etc/up/passwd'), join(root, 'etc/passwd'));
    assert.equal(await secureJoin(root, '/../../etc/real'), join(root, 'etc/real'));
  });
  it('can leave the last link unfollowed', async () => {
    assert.equal(await secureJoin(root, '/etc/abs', { noFollowLast: true }), join(root, 'etc/abs'));
  });
});
