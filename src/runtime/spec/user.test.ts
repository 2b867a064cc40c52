import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../../errdefs/index.js';
import { resolveUser } from './user.js';

const files = {
  passwd: 'root:x:0:0:root:/root:/bin/sh\n# comment\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nuser:x:1000:1000:user:/home/user:/bin/sh\nnohome:x:1001:1001::/nonexist:/bin/sh\n',
  group: 'root:x:0:\nwheel:x:10:user,other\nnogroup:x:65534:\nuser:x:1000:\naudio:x:29:user\n',
};

describe('resolveUser', () => {
  it('defaults to root with its home', () => {
    assert.deepEqual(resolveUser('', files), { uid: 0, gid: 0, additionalGids: [0], home: '/root', name: 'root' });
  });
  it('resolves a name, with its supplementary groups', () => {
    assert.deepEqual(resolveUser('user', files), { uid: 1000, gid: 1000, additionalGids: [1000, 10, 29], home: '/home/user', name: 'user' });
  });
  it('resolves a uid found in passwd', () => {
    assert.deepEqual(resolveUser('65534', files), { uid: 65534, gid: 65534, additionalGids: [65534], home: '/nonexistent', name: 'nobody' });
  });
  it('accepts a uid not in passwd: gid 0, HOME /', () => {
    assert.deepEqual(resolveUser('4242', files), { uid: 4242, gid: 0, additionalGids: [0], home: '/' });
  });
  it('takes uid:gid and name:group, with only the primary group as supplementary', () => {
    assert.deepEqual(resolveUser('1000:29', files), { uid: 1000, gid: 29, additionalGids: [29], home: '/home/user', name: 'user' });
    assert.deepEqual(resolveUser('user:wheel', files), { uid: 1000, gid: 10, additionalGids: [10], home: '/home/user', name: 'user' });
    assert.deepEqual(resolveUser('5:7', {}), { uid: 5, gid: 7, additionalGids: [7], home: '/' });
  });
  it('fails as Docker does for unknown names', () => {
    assert.throws(() => resolveUser('nosuch', files), (e: unknown) => e instanceof InvalidArgument && e.message === 'unable to find user nosuch: no matching entries in passwd file');
    assert.throws(() => resolveUser('user:nosuch', files), (e: unknown) => e instanceof InvalidArgument && e.message === 'unable to find group nosuch: no matching entries in group file');
    assert.throws(() => resolveUser('root', {}), /unable to find user root: no matching entries in passwd file/);
  });
  it('appends --group-add groups', () => {
    assert.deepEqual(resolveUser('nobody', files, ['audio', '77']).additionalGids, [65534, 29, 77]);
  });
});
