/**
 * A berthd crash and restart under running containers: a published port keeps answering on
 * 127.0.0.1 before, while berthd is gone (SIGKILL: nothing of berthd's serves it) and after;
 * the user network's DNS, addresses and port allocations are the same after the restart, so
 * names still resolve, a new container gets a free address and a taken host port is still
 * refused; `rm -f` then releases the port. (network-lifecycle covers a clean stop.) Subnet
 * 10.251.5.0/24 is this file's own.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { api, footprint, httpGet } from './network-helpers.js';

const SUBNET = '10.251.5.0/24';

describe('networks across a berthd crash', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  const bridges: string[] = [];
  const ids: string[] = [];
  let bridgeSubnet = '';

  before(async () => {
    d = await daemonWithBusybox();
    const b = (await api(d, 'GET', '/networks/bridge')).json;
    bridges.push(b.Options['com.docker.network.bridge.name']);
    bridgeSubnet = b.IPAM.Config[0].Subnet;
  });

  after(async () => {
    await cleanupDaemon(d);
    assert.deepEqual(footprint(d, bridges, ['10.251.5.', bridgeSubnet.replace(/0\/\d+$/, '')], ids), { links: [], rules: [], netns: [] });
  });

  it('a published port answers before, while and after; DNS, addresses and ports survive', async () => {
    await ok(d.berth(['network', 'create', '--subnet', SUBNET, 'rsnet']));
    bridges.push(`br-${(await api(d, 'GET', '/networks/rsnet')).json.Id.slice(0, 12)}`);
    const web = (await ok(d.berth(['run', '-d', '--name', 'web', '--network', 'rsnet', '--network-alias', 'site', '-p', '0:80', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']))).trim();
    ids.push(web);
    ids.push((await ok(d.berth(['run', '-d', '--name', 'client', '--network', 'rsnet', 'busybox', 'sleep', '300']))).trim());
    const inspect = async () => (await api(d, 'GET', '/containers/web/json')).json.NetworkSettings;
    const s0 = await inspect();
    const port = Number(s0.Ports['80/tcp'][0].HostPort);
    const fetchByName = async () => (await ok(d.berth(['exec', 'client', 'wget', '-q', '-O', '-', 'http://site/hostname']))).trim();
    assert.equal((await httpGet(port, '/hostname')).trim(), web.slice(0, 12));
    assert.equal(await fetchByName(), web.slice(0, 12));

    await d.stop('SIGKILL');
    assert.equal((await httpGet(port, '/hostname')).trim(), web.slice(0, 12), 'answers while berthd is gone');
    await d.restart();

    assert.equal((await httpGet(port, '/hostname')).trim(), web.slice(0, 12));
    assert.equal(await fetchByName(), web.slice(0, 12), 'the network\'s resolver still knows the alias');
    const s1 = await inspect();
    assert.deepEqual([s1.Ports, s1.Networks.rsnet.IPAddress, s1.Networks.rsnet.EndpointID], [s0.Ports, s0.Networks.rsnet.IPAddress, s0.Networks.rsnet.EndpointID]);
    assert.equal(await ok(d.berth(['port', 'web', '80'])), `0.0.0.0:${port}\n[::]:${port}\n`);

    // The allocations are still taken: a new container gets another address and cannot have the port.
    const fresh = await ok(d.berth(['run', '--rm', '--network', 'rsnet', 'busybox', 'sh', '-c', 'ip -4 -o addr show eth0; wget -q -O - http://web/hostname']));
    const used = [s0.Networks.rsnet.IPAddress, (await api(d, 'GET', '/containers/client/json')).json.NetworkSettings.Networks.rsnet.IPAddress];
    const ip = /inet (10\.251\.5\.\d+)\//.exec(fresh)?.[1];
    assert.ok(ip && !used.includes(ip), fresh);
    assert.match(fresh, new RegExp(`^${web.slice(0, 12)}$`, 'm'));
    const taken = await d.berth(['run', '-d', '--name', 'taken', '-p', `${port}:80`, 'busybox', 'httpd', '-f']);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, new RegExp(`Bind for 0\\.0\\.0\\.0:${port} failed: port is already allocated`));
    ids.push((await ok(d.berth(['inspect', '-f', '{{.Id}}', 'taken']))).trim());

    await ok(d.berth(['rm', '-f', 'web', 'client', 'taken']));
    assert.equal(execFileSync('iptables-save', { encoding: 'utf8' }).includes(`--dport ${port} `), false, 'the port rule goes with the container');
    await ok(d.berth(['network', 'rm', 'rsnet']));
  });
});
