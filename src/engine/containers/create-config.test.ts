import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildRecord, type CreateInputs } from './create-config.js';

const base: CreateInputs = {
  id: 'a'.repeat(64),
  name: 'w',
  created: '2026-01-01T00:00:00Z',
  imageId: 'sha256:' + 'b'.repeat(64),
  image: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['sh'], Labels: { from: 'image' }, Volumes: { '/data': {} }, ExposedPorts: { '80/tcp': {} } },
  request: { Image: 'busybox' },
  ncpu: 2,
  hostName: 'vm',
};

describe('buildRecord', () => {
  it('merges the image config', () => {
    const { record, mounts } = buildRecord({ ...base, request: { Image: 'busybox', Env: ['A=1'], Labels: { mine: 'x' } } });
    assert.equal(record.Path, 'sh');
    assert.deepEqual(record.Args, []);
    assert.deepEqual(record.Config.Env, ['A=1', 'PATH=/usr/bin:/bin']);
    assert.deepEqual(record.Config.Labels, { from: 'image', mine: 'x' });
    assert.equal(record.Config.Hostname, 'aaaaaaaaaaaa');
    assert.equal(record.Name, '/w');
    assert.equal(record.HostConfig.NetworkMode, 'default');
    // Left out (docker-py, compose), the policy is recorded with an empty name, as dockerd does.
    assert.deepEqual(record.HostConfig.RestartPolicy, { Name: '', MaximumRetryCount: 0 });
    assert.deepEqual(record.Config.ExposedPorts, { '80/tcp': {} });
    assert.equal(mounts.length, 1);
    assert.equal(mounts[0]!.Anonymous, true);
  });
  it('keeps a restart policy asked for by name', () => {
    const rp = buildRecord({ ...base, request: { Image: 'b', HostConfig: { RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } } } }).record.HostConfig.RestartPolicy;
    assert.deepEqual(rp, { Name: 'no', MaximumRetryCount: 0 });
  });
  it('drops the null and zero health check settings docker-py sends, as dockerd keeps none', () => {
    const hc = { Test: ['NONE'], Interval: null, Timeout: null, Retries: null, StartPeriod: null } as never;
    assert.deepEqual(buildRecord({ ...base, request: { Image: 'b', Healthcheck: hc } }).record.Config.Healthcheck, { Test: ['NONE'] });
  });
  it('uses the host name for host networking', () => {
    assert.equal(buildRecord({ ...base, request: { Image: 'b', HostConfig: { NetworkMode: 'host' } } }).record.Config.Hostname, 'vm');
  });
  it('rejects what Docker rejects', () => {
    assert.throws(() => buildRecord({ ...base, image: {}, request: { Image: 'b' } }), /No command specified/);
    assert.throws(() => buildRecord({ ...base, request: { Image: 'b', HostConfig: { AutoRemove: true, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } } } }), /can't create 'AutoRemove' container with restart policy/);
    assert.throws(() => buildRecord({ ...base, request: { Image: 'b', HostConfig: { Memory: 1000 } } }), /Minimum memory limit allowed is 6MB/);
    assert.throws(() => buildRecord({ ...base, request: { Image: 'b', HostConfig: { NanoCpus: 3e9 } } }), /Range of CPUs is from 0.01 to 2.00/);
    assert.throws(() => buildRecord({ ...base, request: { Image: 'b', HostConfig: { NetworkMode: 'mynet' } } }), /network mynet not found/);
    assert.throws(() => buildRecord({ ...base, request: { Image: 'b', HostConfig: { SecurityOpt: ['bogus'] } } }), /invalid --security-opt/);
  });
  it('accepts a command given as a string', () => {
    assert.deepEqual(buildRecord({ ...base, request: { Image: 'b', Cmd: 'true' } }).record.Path, 'true');
  });
});
