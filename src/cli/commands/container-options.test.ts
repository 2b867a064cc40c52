import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags } from '../../util/flags.js';
import { buildCreateRequest, createFlags, parseBytes, parseMountFlag, runOnlyFlags } from './container-options.js';

function plan(argv: string[], detach = false) {
  const { flags, args } = parseFlags(argv, [...createFlags, ...runOnlyFlags], { interspersed: false });
  return buildCreateRequest(flags, args, { detach, stdinIsTty: false, caller: { env: process.env, resolve: (p) => p } });
}

describe('run/create options', () => {
  it('parses sizes as docker does (binary units)', () => {
    assert.equal(parseBytes('64m', 'memory'), 64 * 1024 * 1024);
    assert.equal(parseBytes('1g', 'memory'), 1024 ** 3);
    assert.equal(parseBytes('512', 'memory'), 512);
    assert.equal(parseBytes('1.5k', 'memory'), 1536);
    assert.throws(() => parseBytes('lots', 'memory'), /invalid argument "lots" for "--memory" flag/);
  });
  it('--link: in HostConfig, and on a user network in its endpoint too (as the docker CLI)', () => {
    const onDefault = plan(['--link', 'db:x', 'busybox']).body;
    assert.deepEqual(onDefault.HostConfig!.Links, ['db:x']);
    assert.deepEqual(onDefault.NetworkingConfig, { EndpointsConfig: {} });
    const onUser = plan(['--network', 'net1', '--link', 'db:x', '--network-alias', 'a', 'busybox']).body;
    assert.deepEqual(onUser.HostConfig!.Links, ['db:x']);
    assert.deepEqual(onUser.NetworkingConfig, { EndpointsConfig: { net1: { Aliases: ['a'], Links: ['db:x'] } } });
    assert.deepEqual(plan(['--network', 'none', '--link', 'db', 'busybox']).body.NetworkingConfig, { EndpointsConfig: {} });
  });
  it('parses --mount', () => {
    assert.deepEqual(parseMountFlag('type=bind,src=/a,dst=/b,readonly'), { Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true });
    assert.deepEqual(parseMountFlag('type=tmpfs,target=/t,tmpfs-size=1m'), { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1 << 20 } });
    assert.throws(() => parseMountFlag('type=bind,bogus=1'), /unexpected key 'bogus'/);
  });
  it('builds the create request of `run -it --rm -e A=1 -v /h:/c busybox sh`', () => {
    const p = plan(['-it', '--rm', '--name', 'x', '-e', 'A=1', '-v', '/h:/c:ro', '-m', '64m', '--cpus', '1.5', '--restart', 'no', 'busybox', 'sh', '-l']);
    assert.equal(p.name, 'x');
    const b = p.body;
    assert.equal(b.Image, 'busybox');
    assert.deepEqual(b.Cmd, ['sh', '-l']);
    assert.equal(b.Tty, true);
    assert.equal(b.OpenStdin, true);
    assert.equal(b.StdinOnce, true);
    assert.equal(b.AttachStdin, true);
    assert.deepEqual(b.Env, ['A=1']);
    assert.equal(b.HostConfig!.AutoRemove, true);
    assert.deepEqual(b.HostConfig!.Binds, ['/h:/c:ro']);
    assert.equal(b.HostConfig!.Memory, 64 << 20);
    assert.equal(b.HostConfig!.NanoCpus, 1.5e9);
    assert.equal('Entrypoint' in b, false);
  });
  it('detached runs attach nothing; --entrypoint "" clears it; -p records bindings', () => {
    const b = plan(['-d', '--entrypoint', '', '-p', '127.0.0.1:8080:80', '-p', '53/udp', 'img'], true).body;
    assert.equal(b.AttachStdout, false);
    assert.deepEqual(b.Entrypoint, ['']);
    assert.deepEqual(b.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
    assert.deepEqual(b.HostConfig!.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '' }] });
  });
  it('parses restart policies', () => {
    assert.deepEqual(plan(['--restart', 'on-failure:3', 'img']).body.HostConfig!.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
    assert.throws(() => plan(['--restart', 'always:3', 'img']), /maximum retry count can only be used with 'on-failure'/);
  });
});
