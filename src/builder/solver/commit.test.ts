import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyContainerConfig, encodeImageConfig, type ImageConfig } from '../../image/config.js';
import { childImageConfig } from './commit.js';

const parent: ImageConfig = {
  architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${'a'.repeat(64)}`] },
  history: [{ created: '2020-01-01T00:00:00Z', created_by: 'base' }],
};

describe('childImageConfig', () => {
  it('appends the history entry and the layer as Docker does', () => {
    const cc = { ...emptyContainerConfig(), Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV A=1'] };
    const empty = childImageConfig(parent, { containerId: 'c'.repeat(64), containerConfig: cc, config: emptyContainerConfig(), author: '', diffId: null });
    assert.deepEqual(empty.rootfs.diff_ids, parent.rootfs.diff_ids);
    assert.equal(empty.history!.length, 2);
    assert.equal(empty.history![1]!.created_by, '/bin/sh -c #(nop)  ENV A=1');
    assert.equal(empty.history![1]!.empty_layer, true);
    assert.equal(empty.container, 'c'.repeat(64));
    const layer = childImageConfig(parent, { containerId: '', containerConfig: cc, config: emptyContainerConfig(), author: 'me', diffId: `sha256:${'b'.repeat(64)}` });
    assert.equal(layer.rootfs.diff_ids.length, 2);
    assert.equal(layer.history![1]!.empty_layer, undefined);
    assert.equal(layer.author, 'me');
    assert.ok(!('container' in layer), 'no container for COPY');
  });

  it('starts FROM scratch with the host platform and writes maps with sorted keys', () => {
    const config = { ...emptyContainerConfig(), Labels: { b: '1', a: '2' }, ExposedPorts: { '90/tcp': {}, '443/tcp': {} } };
    const c = childImageConfig(undefined, { containerId: '', containerConfig: emptyContainerConfig(), config, author: '', diffId: null });
    assert.equal(c.os, 'linux');
    assert.deepEqual(c.rootfs.diff_ids, []);
    assert.match(encodeImageConfig(c).toString(), /"ExposedPorts":\{"443\/tcp":\{\},"90\/tcp":\{\}\}.*"Labels":\{"a":"2","b":"1"\}/);
  });

  it('puts folded steps\' history entries between the parent\'s and the step\'s own', () => {
    const cc = { ...emptyContainerConfig(), Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV C=3'] };
    const earlier = [
      { created: '2024-01-01T00:00:00Z', created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true },
      { created: '2024-01-01T00:00:01Z', created_by: '/bin/sh -c #(nop)  ENV B=2', empty_layer: true },
    ];
    const c = childImageConfig(parent, { containerId: 'c'.repeat(64), containerConfig: cc, config: emptyContainerConfig(), author: '', diffId: null, earlier });
    assert.deepEqual(c.history!.map((h) => h.created_by), ['base', '/bin/sh -c #(nop)  ENV A=1', '/bin/sh -c #(nop)  ENV B=2', '/bin/sh -c #(nop)  ENV C=3']);
    assert.deepEqual(c.rootfs.diff_ids, parent.rootfs.diff_ids);
  });
});
