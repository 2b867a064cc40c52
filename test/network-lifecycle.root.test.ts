/**
 * Networks over a container's life and berthd's: -P of an image's EXPOSEd ports, UDP, connect
 * and disconnect of a running container, the docker CLI (run -d -P, port, network
 * create/connect, ps PORTS), a published port answering before, while and after berthd is
 * down, and start-up releasing what a container that ended while berthd was away held.
 * Subnet 10.251.3.0/24 is this file's own.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { hasDocker, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { api, footprint, httpGet } from './network-helpers.js';

const SUBNET = '10.251.3.0/24';

async function hostPort(d: TestDaemon, name: string, key: string): Promise<number> {
  const ports = (await api(d, 'GET', `/containers/${name}/json`)).json.NetworkSettings.Ports;
  return Number(ports[key][0].HostPort);
}

describe('networks over time', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  let bridge: { name: string; subnet: string };
  const bridges: string[] = [];
  const ids: string[] = [];

  before(async () => {
    d = await daemonWithBusybox();
    const tar = `${d.dir}/rootfs.tar`;
    await ok(d.berth(['import', '-c', 'EXPOSE 80', '-c', 'EXPOSE 9999/udp', tar, 'bbweb']));
    const b = (await api(d, 'GET', '/networks/bridge')).json;
    bridge = { name: b.Options['com.docker.network.bridge.name'], subnet: b.IPAM.Config[0].Subnet };
    bridges.push(bridge.name);
    await ok(d.berth(['network', 'create', '--subnet', SUBNET, 'lifenet']));
    bridges.push(`br-${(await api(d, 'GET', '/networks/lifenet')).json.Id.slice(0, 12)}`);
  });

  after(async () => {
    await cleanupDaemon(d);
    const left = footprint(d, bridges, ['10.251.3.', bridge.subnet.replace(/0\/\d+$/, '')], ids);
    assert.deepEqual(left, { links: [], rules: [], netns: [] });
  });

  it('-P publishes every exposed port, tcp and udp', async () => {
    const id = (await ok(d.berth(['run', '-d', '--name', 'exposed', '-P', 'bbweb', 'httpd', '-f', '-p', '80', '-h', '/etc']))).trim();
    ids.push(id);
    const tcp = await hostPort(d, 'exposed', '80/tcp');
    const udp = await hostPort(d, 'exposed', '9999/udp');
    assert.ok(tcp > 0 && udp > 0 && tcp !== udp);
    assert.equal(await httpGet(tcp, '/hostname'), `${id.slice(0, 12)}\n`);
    // busybox has no UDP server to answer; the proxy relaying to it is what publishing a UDP port is.
    const ip = (await ok(d.berth(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'exposed']))).trim();
    assert.match(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }), new RegExp(`berth-proxy udp 0\\.0\\.0\\.0 ${udp} ${ip.replace(/\./g, '\\.')} 9999`));
    await ok(d.berth(['rm', '-f', 'exposed']));
  });

  it('connect and disconnect a running container, with an alias', async () => {
    ids.push((await ok(d.berth(['run', '-d', '--name', 'joiner', 'busybox', 'sleep', '300']))).trim());
    await ok(d.berth(['network', 'connect', '--alias', 'late', 'lifenet', 'joiner']));
    const ip = (await ok(d.berth(['inspect', '-f', '{{.NetworkSettings.Networks.lifenet.IPAddress}}', 'joiner']))).trim();
    assert.match(ip, /^10\.251\.3\.\d+$/);
    assert.match(await ok(d.berth(['exec', 'joiner', 'ip', '-4', '-o', 'addr'])), new RegExp(`eth1\\s+inet ${ip.replace(/\./g, '\\.')}/24`));
    assert.match(await ok(d.berth(['run', '--rm', '--network', 'lifenet', 'busybox', 'sh', '-c', 'ping -c1 -W5 late && echo OK'])), /OK/);
    const again = await d.berth(['network', 'connect', 'lifenet', 'joiner']);
    assert.match(again.stderr, /endpoint with name joiner already exists in network lifenet/);
    await ok(d.berth(['network', 'disconnect', 'lifenet', 'joiner']));
    assert.doesNotMatch(await ok(d.berth(['exec', 'joiner', 'ip', '-o', 'link'])), /eth1/);
    assert.equal((await ok(d.berth(['inspect', '-f', '{{len .NetworkSettings.Networks}}', 'joiner']))).trim(), '1');
    await ok(d.berth(['rm', '-f', 'joiner']));
  });

  it('the docker CLI: run -d -P, port, ps, network create/connect/inspect/rm', { skip: !hasDocker }, async () => {
    const id = (await ok(d.docker(['run', '-d', '--name', 'dk', '-P', 'bbweb', 'httpd', '-f', '-p', '80', '-h', '/etc']))).trim();
    ids.push(id);
    const port = await ok(d.docker(['port', 'dk', '80/tcp']));
    const m = /^0\.0\.0\.0:(\d+)\n\[::\]:\1\n$/.exec(port);
    assert.ok(m, port);
    assert.equal((await httpGet(Number(m[1]), '/hostname')).trim(), id.slice(0, 12));
    const udp = await hostPort(d, 'dk', '9999/udp');
    // docker 28 writes the IPv6 wildcard as [::].
    assert.equal(await ok(d.docker(['ps', '--format', '{{.Ports}}', '--filter', 'name=dk'])), `0.0.0.0:${m[1]}->80/tcp, [::]:${m[1]}->80/tcp, 0.0.0.0:${udp}->9999/udp, [::]:${udp}->9999/udp\n`);
    await ok(d.docker(['network', 'create', 'dknet']));
    bridges.push(`br-${(await api(d, 'GET', '/networks/dknet')).json.Id.slice(0, 12)}`);
    await ok(d.docker(['network', 'connect', '--alias', 'dkweb', 'dknet', 'dk']));
    const insp = JSON.parse(await ok(d.docker(['network', 'inspect', 'dknet'])))[0];
    assert.equal(insp.Containers[id].Name, 'dk');
    assert.match(await ok(d.docker(['run', '--rm', '--network', 'dknet', 'busybox', 'sh', '-c', 'ping -c1 -W5 dkweb && echo OK'])), /OK/);
    const busy = await d.docker(['network', 'rm', 'dknet']);
    assert.match(busy.stderr, /has active endpoints/);
    await ok(d.docker(['rm', '-f', 'dk']));
    await ok(d.docker(['network', 'rm', 'dknet']));
  });

  it('a published port answers before, while and after berthd is down', async () => {
    ids.push((await ok(d.berth(['run', '-d', '--name', 'survivor', '-p', '127.0.0.1:0:80', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']))).trim());
    const port = await hostPort(d, 'survivor', '80/tcp');
    const want = (await httpGet(port, '/hostname')).trim();
    await d.stop();
    assert.equal((await httpGet(port, '/hostname')).trim(), want, 'answers while berthd is down');
    await d.restart();
    assert.equal((await httpGet(port, '/hostname')).trim(), want);
    assert.equal(await hostPort(d, 'survivor', '80/tcp'), port);
    assert.equal(await ok(d.berth(['port', 'survivor'])), `80/tcp -> 127.0.0.1:${port}\n`);
  });

  it('start-up releases the network of a container that ended while berthd was away', async () => {
    ids.push((await ok(d.berth(['run', '-d', '--name', 'ender', '--network', 'lifenet', 'busybox', 'sleep', '300']))).trim());
    const pid = Number((await ok(d.berth(['inspect', '-f', '{{.State.Pid}}', 'ender']))).trim());
    await d.stop('SIGKILL');
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    await d.restart();
    assert.match(await ok(d.berth(['inspect', '-f', '{{.State.Status}}', 'ender'])), /exited/);
    assert.equal((await api(d, 'GET', '/networks/lifenet')).json.Containers[ids.at(-1)!], undefined);
    assert.deepEqual(footprint(d, [], [], [ids.at(-1)!]).netns.filter((n) => n === ids.at(-1)), []);
    await ok(d.berth(['rm', 'ender']));
    await ok(d.berth(['rm', '-f', 'survivor']));
    await ok(d.berth(['network', 'rm', 'lifenet']));
  });
});
