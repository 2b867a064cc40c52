/** Golden report for a crafted image whose waste is known. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wasteOf } from './waste.js';

describe('layer waste report', () => {
  it('counts overwritten and deleted bytes per layer, duplicates and the dive score', () => {
    const r = wasteOf('sha256:img', [
      { diffId: 'sha256:l0', createdBy: 'base', entries: [{ path: 'bin/sh', kind: 'file', size: 100 }, { path: 'etc/conf', kind: 'file', size: 10 }] },
      { diffId: 'sha256:l1', createdBy: 'RUN fetch', entries: [{ path: 'tmp/big.tar', kind: 'file', size: 1000 }, { path: 'etc/conf', kind: 'file', size: 20 }] },
      { diffId: 'sha256:l2', createdBy: 'RUN rm', entries: [{ path: 'tmp/big.tar', kind: 'whiteout' }, { path: 'cache', kind: 'opaque' }] },
    ]);
    assert.deepEqual(r, {
      image: 'sha256:img',
      totalBytes: 1130,
      wastedBytes: 1010,
      // paths: bin/sh 100/100, etc/conf min 10 of 30, tmp/big.tar min 0 of 1000 → 110 / 1130.
      efficiency: 110 / 1130,
      layers: [
        { index: 0, diffId: 'sha256:l0', createdBy: 'base', size: 110, wastedBytes: 10 },
        { index: 1, diffId: 'sha256:l1', createdBy: 'RUN fetch', size: 1020, wastedBytes: 1000 },
        { index: 2, diffId: 'sha256:l2', createdBy: 'RUN rm', size: 0, wastedBytes: 0 },
      ],
      largest: [
        { path: 'tmp/big.tar', bytes: 1000, layer: 1, by: 2, how: 'deleted' },
        { path: 'etc/conf', bytes: 10, layer: 0, by: 1, how: 'overwritten' },
      ],
      duplicates: [{ path: 'etc/conf', layers: [0, 1], bytes: 30 }],
    });
  });
  it('an opaque directory deletes what lower layers had below it; empty is fully efficient', () => {
    const r = wasteOf('x', [
      { diffId: 'a', createdBy: 'a', entries: [{ path: 'cache/x', kind: 'file', size: 5 }] },
      { diffId: 'b', createdBy: 'b', entries: [{ path: 'cache', kind: 'opaque' }] },
    ]);
    assert.equal(r.wastedBytes, 5);
    assert.deepEqual(r.largest, [{ path: 'cache/x', bytes: 5, layer: 0, by: 1, how: 'deleted' }]);
    assert.equal(wasteOf('e', []).efficiency, 1);
  });
});
