import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyContainerConfig, type ContainerConfig } from '../../image/config.js';
import { commitConfig, mergeCommitConfig, checkCommitRef } from './commit.js';

const ctr: ContainerConfig = {
  ...emptyContainerConfig(),
  Hostname: 'abc', User: 'app', Env: ['PATH=/bin', 'A=1'], Cmd: ['sleep', '1'], Image: 'busybox', WorkingDir: '/w',
  Labels: { l: '1' }, ExposedPorts: { '80/tcp': {} }, Volumes: { '/v': {} },
};

describe('commit config', () => {
  it('without a body: the container\'s config with the changes applied', () => {
    const c = commitConfig({ containerConfig: ctr, changes: ['CMD ["echo", "x"]', 'ENV B=2'] });
    assert.equal(c.Hostname, 'abc');
    assert.equal(c.Image, 'busybox');
    assert.deepEqual(c.Cmd, ['echo', 'x']);
    assert.deepEqual(c.Env, ['PATH=/bin', 'A=1', 'B=2']);
  });

  it('a body config is merged with the container\'s: empty fields come from it, env and labels add up', () => {
    const c = mergeCommitConfig({ ...emptyContainerConfig(), Env: ['A=9'], Labels: { m: '2' } }, ctr);
    assert.equal(c.Hostname, '', 'fields outside the merge stay as the body has them');
    assert.equal(c.User, 'app');
    assert.deepEqual(c.Env, ['A=9', 'PATH=/bin']);
    assert.deepEqual(c.Labels, { l: '1', m: '2' });
    assert.deepEqual(c.Cmd, ['sleep', '1']);
    assert.equal(c.WorkingDir, '/w');
    assert.deepEqual(c.ExposedPorts, { '80/tcp': {} });
    assert.deepEqual(c.Volumes, { '/v': {} });
    const withEntrypoint = mergeCommitConfig({ ...emptyContainerConfig(), Entrypoint: ['/init'] }, ctr);
    assert.equal(withEntrypoint.Cmd, null, 'an entrypoint of its own keeps the container\'s command out');
  });

  it('refuses changes and references dockerd refuses', () => {
    assert.throws(() => commitConfig({ containerConfig: ctr, changes: ['RUN x'] }), /run is not a valid change command$/);
    assert.throws(() => checkCommitRef('Bad', undefined), /must be lowercase/);
    assert.throws(() => checkCommitRef(undefined, 'v1'), /tag requires a repository/);
    checkCommitRef('snap', 'v1');
    checkCommitRef(undefined, undefined);
  });
});
