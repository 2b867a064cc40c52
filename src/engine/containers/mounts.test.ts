import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ociMounts, parseBind, parseMount, planMounts } from './mounts.js';

describe('container mounts', () => {
  it('parses -v binds and volumes', () => {
    assert.deepEqual(parseBind('/host/dir:/data:ro'), { Type: 'bind', Source: '/host/dir', Destination: '/data', Mode: 'ro', RW: false, Propagation: 'rprivate' });
    assert.deepEqual(parseBind('vol:/data'), { Type: 'volume', Name: 'vol', Source: '', Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '', NoCopy: false });
    assert.equal(parseBind('/anon').Anonymous, true);
    assert.throws(() => parseBind('a:b:c:d'), /invalid volume specification: 'a:b:c:d'/);
    assert.throws(() => parseBind('/x:/y:bogus'), { message: 'invalid mode: bogus' });
    assert.throws(() => parseBind('bad name!:/x'), /includes invalid characters for a local volume name/);
    assert.throws(() => parseBind('/x:rel'), /mount path must be absolute/);
  });
  it('parses --mount values', () => {
    assert.equal(parseMount({ Type: 'bind', Source: '/s', Target: '/t', ReadOnly: true }).RW, false);
    assert.equal(parseMount({ Type: 'volume', Target: '/t' }).Anonymous, true);
    assert.deepEqual(parseMount({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1 << 20 } }).TmpfsOptions, ['size=1024k']);
    assert.throws(() => parseMount({ Type: 'bind', Target: '/t' }), /invalid mount config for type "bind": field Source must not be empty/);
  });
  it('adds image volumes not covered and rejects duplicates', () => {
    const p = planMounts({ binds: ['/h:/data'], imageVolumes: ['/data', '/cache'] });
    assert.deepEqual(p.map((m) => [m.Type, m.Destination]), [['bind', '/data'], ['volume', '/cache']]);
    assert.throws(() => planMounts({ binds: ['/a:/x', 'vol:/x'] }), /Duplicate mount point: \/x/);
  });
  it('builds OCI mounts', () => {
    const m = ociMounts([parseBind('/h:/d:ro')], { '/run': 'size=1m,exec' });
    assert.deepEqual(m, [
      { destination: '/d', type: 'bind', source: '/h', options: ['rbind', 'rprivate', 'ro'] },
      { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'size=1m'] },
    ]);
  });
});
