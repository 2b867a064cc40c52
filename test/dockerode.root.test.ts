/**
 * dockerode (4) against berthd's socket: networks (create, inspect, connect, disconnect,
 * remove, prune, list), a container created with PortBindings (HostPort '' = any) on a user
 * network with an alias in NetworkingConfig, its port answering on the host and listed by
 * listContainers as Docker lists it, and `docker.run` of a client that reaches it by alias
 * (attach, wait, exit status). Subnet 10.251.7.0/24 is this file's own.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import type { TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox } from './containers-helpers.js';
import { api, footprint, httpGet } from './network-helpers.js';

const SUBNET = '10.251.7.0/24';

/** Runs a container to its end with dockerode's run (attached, no TTY: demultiplexed); its output and exit status. */
async function runOnce(docker: Docker, cmd: string[], create: Docker.ContainerCreateOptions): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (out += c));
  // Two streams: dockerode demultiplexes (one stream gets the raw frames without a TTY).
  const [result, container] = (await docker.run('busybox', cmd, [stdout, stderr], { Tty: false, ...create, HostConfig: { ...create.HostConfig, AutoRemove: false } })) as [{ StatusCode: number }, Docker.Container];
  await container.remove({ force: true });
  return { code: result.StatusCode, out };
}

describe('dockerode against berthd', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  let docker: Docker;
  const bridges: string[] = [];
  const ids: string[] = [];
  let bridgeSubnet = '';

  before(async () => {
    d = await daemonWithBusybox();
    docker = new Docker({ socketPath: d.socket });
    const b = (await api(d, 'GET', '/networks/bridge')).json;
    bridges.push(b.Options['com.docker.network.bridge.name']);
    bridgeSubnet = b.IPAM.Config[0].Subnet;
  });

  after(async () => {
    await cleanupDaemon(d);
    assert.deepEqual(footprint(d, bridges, ['10.251.7.', bridgeSubnet.replace(/0\/\d+$/, '')], ids), { links: [], rules: [], netns: [] });
  });

  it('a published port on a user network, reached by alias, listed as Docker lists it', async () => {
    const net = await docker.createNetwork({ Name: 'dnode', Driver: 'bridge', IPAM: { Config: [{ Subnet: SUBNET }] }, Labels: { suite: 'dockerode' } });
    bridges.push(`br-${net.id.slice(0, 12)}`);
    const info = await net.inspect();
    assert.deepEqual([info.Name, info.IPAM?.Config, info.Labels], ['dnode', [{ Subnet: SUBNET }], { suite: 'dockerode' }]);

    const web = await docker.createContainer({
      name: 'web', Image: 'busybox', Cmd: ['httpd', '-f', '-p', '80', '-h', '/etc'], ExposedPorts: { '80/tcp': {} },
      HostConfig: { NetworkMode: 'dnode', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '' }] } },
      NetworkingConfig: { EndpointsConfig: { dnode: { Aliases: ['site'] } } },
    });
    ids.push(web.id);
    await web.start();
    const s = (await web.inspect()).NetworkSettings;
    const port = Number(s.Ports['80/tcp']![0]!.HostPort);
    assert.ok(port > 0);
    assert.deepEqual(s.Ports['80/tcp'], [{ HostIp: '0.0.0.0', HostPort: String(port) }, { HostIp: '::', HostPort: String(port) }]);
    assert.equal(s.Networks.dnode!.Gateway, '10.251.7.1');
    assert.deepEqual(s.Networks.dnode!.Aliases, ['site', web.id.slice(0, 12)]);
    assert.equal((await httpGet(port, '/hostname')).trim(), web.id.slice(0, 12));

    const listed = (await docker.listContainers({ filters: { name: ['web'] } }))[0]!;
    assert.deepEqual(listed.Ports, [
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: port, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: port, Type: 'tcp' },
    ]);
    assert.deepEqual(Object.keys(listed.NetworkSettings.Networks), ['dnode']);

    const r = await runOnce(docker, ['wget', '-q', '-O', '-', 'http://site/hostname'], { HostConfig: { NetworkMode: 'dnode' } });
    assert.deepEqual(r, { code: 0, out: `${web.id.slice(0, 12)}\n` });
    const tty = await runOnce(docker, ['wget', '-q', '-O', '-', 'http://site/hostname'], { Tty: true, HostConfig: { NetworkMode: 'dnode' } });
    assert.deepEqual(tty, { code: 0, out: `${web.id.slice(0, 12)}\r\n` }, 'with a TTY, as Docker: CRLF');
    const isolated = await runOnce(docker, ['sh', '-c', 'ping -c1 -W2 site >/dev/null 2>&1 && echo REACHED; exit 3'], {});
    assert.deepEqual(isolated, { code: 3, out: '' }, 'the default bridge neither resolves nor reaches it');
  });

  it('connect, disconnect, remove a busy network, prune', async () => {
    const net = docker.getNetwork('dnode');
    const other = await docker.createContainer({ name: 'other', Image: 'busybox', Cmd: ['sleep', '300'] });
    ids.push(other.id);
    await other.start();
    await net.connect({ Container: 'other', EndpointConfig: { Aliases: ['late'] } });
    const containers = (await net.inspect()).Containers as Record<string, { Name: string; IPv4Address: string }>;
    assert.deepEqual(Object.values(containers).map((c) => c.Name).sort(), ['other', 'web']);
    const r = await runOnce(docker, ['sh', '-c', 'ping -c1 -W3 late >/dev/null && echo LATE'], { HostConfig: { NetworkMode: 'dnode' } });
    assert.deepEqual(r, { code: 0, out: 'LATE\n' });
    await net.disconnect({ Container: 'other' });
    assert.deepEqual(Object.keys((await other.inspect()).NetworkSettings.Networks), ['bridge']);

    await assert.rejects(net.remove(), (e: { statusCode?: number; json?: { message?: string } }) => {
      assert.equal(e.statusCode, 409);
      assert.match(e.json?.message ?? '', /has active endpoints/);
      return true;
    });
    await assert.rejects(docker.getNetwork('nosuch').inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
    await docker.getContainer('web').remove({ force: true });
    await other.remove({ force: true });
    assert.deepEqual(await docker.pruneNetworks(), { NetworksDeleted: ['dnode'] });
    assert.deepEqual((await docker.listNetworks()).map((n) => n.Name).sort(), ['bridge', 'host', 'none']);
  });
});
