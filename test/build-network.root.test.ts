/**
 * Build RUN steps on the default network, as Docker's: a step gets an address on `bridge`, the
 * resolv.conf and /etc/hosts a container there gets, and reaches a port another container
 * published, through the host's address on the bridge (its gateway); `--network host` still
 * gives the host's network. A build's steps reuse one namespace (a netavark setup costs a
 * second on a busy host), released when the build ends.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, imageFiles, type BuildDaemon } from './build-fixture.js';
import { ok } from './containers-helpers.js';
import { api, footprint } from './network-helpers.js';
import { hasDocker } from './helpers/daemon.js';

describe('build: RUN on the default bridge', { timeout: 300_000 }, () => {
  let b: BuildDaemon;
  let bridge: { name: string; subnet: string; gateway: string };
  let web: { id: string; port: number };

  before(async () => {
    b = await buildDaemon();
    const n = (await api(b.d, 'GET', '/networks/bridge')).json;
    bridge = { name: n.Options['com.docker.network.bridge.name'], subnet: n.IPAM.Config[0].Subnet, gateway: n.IPAM.Config[0].Gateway };
    const id = (await ok(b.d.berth(['run', '-d', '--name', 'web', '-p', '0:80', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']))).trim();
    const ports = (await api(b.d, 'GET', '/containers/web/json')).json.NetworkSettings.Ports;
    web = { id, port: Number(ports['80/tcp'][0].HostPort) };
  });

  after(async () => {
    const ids = (await b.d.berth(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await b.d.berth(['rm', '-f', ...ids]);
    await b.cleanup();
    const left = footprint(b.d, [bridge.name], [bridge.subnet.replace(/0\/\d+$/, '')], [web.id]);
    assert.deepEqual(left, { links: [], rules: [], netns: [] }, 'the host keeps nothing of the test daemon');
  });

  /**
   * Network namespaces and endpoint records held once the build's steps have released theirs
   * (the build's answer does not wait for that): the web container's only, besides the pool's.
   */
  const held = async () => {
    const netnsDir = join(b.d.execRoot, 'netns');
    const endpoints = join(b.d.dataRoot, 'network', 'endpoints');
    // The default bridge's pool entries (pool-…) are no step's.
    const mine = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('pool-')).sort() : []);
    const now = () => ({ netns: mine(netnsDir), endpoints: mine(endpoints) });
    for (let i = 0; i < 300 && (now().netns.length > 1 || now().endpoints.length > 1); i++) await new Promise((r) => setTimeout(r, 100));
    return now();
  };

  it('a step has its own address, the bridge\'s resolv.conf and hosts, and reaches a published port on the host\'s address', async () => {
    const dir = b.context({
      Dockerfile: [
        'FROM busybox',
        'ARG HOSTADDR',
        'ARG PORT',
        'RUN ip -4 -o addr show eth0 > /tmp/ip && ip route > /tmp/route && cat /etc/resolv.conf > /tmp/resolv && cat /etc/hosts > /tmp/hosts'
          + ' && hostname > /tmp/hostname && timeout 20 wget -q -O /tmp/fetched "http://$HOSTADDR:$PORT/hostname"',
        '',
      ].join('\n'),
    });
    const r = await b.build(dir, ['--build-arg', `HOSTADDR=${bridge.gateway}`, '--build-arg', `PORT=${web.port}`, '-t', 'net:bridge']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const f = await imageFiles(b.d, 'net:bridge');
    const prefix = bridge.subnet.split('.').slice(0, 3).join('\\.');
    const ip = new RegExp(`eth0\\s+inet (${prefix}\\.\\d+)/24`).exec(f.get('/tmp/ip')?.content ?? '');
    assert.ok(ip, f.get('/tmp/ip')?.content);
    assert.notEqual(ip[1], bridge.gateway);
    assert.match(f.get('/tmp/route')?.content ?? '', new RegExp(`^default via ${bridge.gateway.replace(/\./g, '\\.')} dev eth0`));
    const resolv = f.get('/tmp/resolv')?.content ?? '';
    assert.equal(resolv, await ok(b.d.berth(['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf'])), 'as a container on the default bridge');
    assert.doesNotMatch(resolv, /nameserver 127\./);
    const hostname = (f.get('/tmp/hostname')?.content ?? '').trim();
    assert.match(hostname, /^[0-9a-f]{12}$/);
    assert.match(f.get('/tmp/hosts')?.content ?? '', new RegExp(`^${ip[1]!.replace(/\./g, '\\.')}\\t${hostname}$`, 'm'));
    assert.equal(f.get('/tmp/fetched')?.content, `${web.id.slice(0, 12)}\n`);
    assert.deepEqual(await held(), { netns: [web.id], endpoints: [`${web.id}.json`] }, 'the step released its address and namespace');
    assert.deepEqual(Object.keys((await api(b.d, 'GET', '/networks/bridge')).json.Containers), [web.id]);
  });

  it('the steps of a build reuse one namespace on the bridge, released when the build ends', async () => {
    const dir = b.context({
      Dockerfile: 'FROM busybox\nRUN ip -4 -o addr show eth0 > /tmp/a\nENV X=1\nRUN ip -4 -o addr show eth0 > /tmp/b && hostname > /tmp/h\nRUN ip -4 -o addr show eth0 > /tmp/c\n',
    });
    const r = await b.build(dir, ['-t', 'net:steps']);
    assert.equal(r.code, 0, r.stderr);
    const f = await imageFiles(b.d, 'net:steps');
    const a = f.get('/tmp/a')?.content;
    assert.match(a ?? '', /eth0\s+inet /);
    assert.deepEqual([f.get('/tmp/b')?.content, f.get('/tmp/c')?.content], [a, a]);
    const step = /Step 4\/5 : RUN .*\n ---> Running in ([0-9a-f]{12})/.exec(r.stdout)?.[1];
    assert.equal(f.get('/tmp/h')?.content, `${step}\n`, 'each step has its own hostname');
    assert.deepEqual(await held(), { netns: [web.id], endpoints: [`${web.id}.json`] });
  });

  it('--network host gives the host\'s network; --add-host lands in /etc/hosts either way', async () => {
    const dir = b.context({ Dockerfile: 'FROM busybox\nRUN ls /sys/class/net > /tmp/ifaces && cat /etc/hosts > /tmp/hosts\n' });
    const host = await b.build(dir, ['--network', 'host', '--add-host', 'extra:10.9.8.7', '-t', 'net:host']);
    assert.equal(host.code, 0, host.stderr);
    const hf = await imageFiles(b.d, 'net:host');
    assert.ok((hf.get('/tmp/ifaces')?.content ?? '').split('\n').includes(bridge.name), 'the host\'s interfaces, the bridge among them');
    assert.match(hf.get('/tmp/hosts')?.content ?? '', /^10\.9\.8\.7\textra$/m);
    const def = await b.build(dir, ['--no-cache', '--add-host', 'extra:10.9.8.7', '-t', 'net:default']);
    assert.equal(def.code, 0, def.stderr);
    const df = await imageFiles(b.d, 'net:default');
    assert.equal(df.get('/tmp/ifaces')?.content, 'eth0\nlo\n');
    assert.equal((df.get('/tmp/hosts')?.content ?? '').match(/^10\.9\.8\.7\textra$/gm)?.length, 1, 'listed once');
    assert.deepEqual(await held(), { netns: [web.id], endpoints: [`${web.id}.json`] });
  });

  it('a failed step releases its network too; docker build (legacy builder) runs on the bridge', { skip: !hasDocker }, async () => {
    const failing = b.context({ Dockerfile: 'FROM busybox\nRUN ip -4 -o addr show eth0 && exit 7\n' });
    const r = await b.build(failing, ['--force-rm']);
    assert.equal(r.code, 7);
    assert.match(r.stdout, /eth0\s+inet \d+\.\d+\.\d+\.\d+\/24/);
    const dir = b.context({ Dockerfile: 'FROM busybox\nRUN ls /sys/class/net > /tmp/ifaces\n' });
    const d = await b.dockerBuild(dir, ['-t', 'net:docker']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal((await imageFiles(b.d, 'net:docker')).get('/tmp/ifaces')?.content, 'eth0\nlo\n');
    assert.deepEqual(await held(), { netns: [web.id], endpoints: [`${web.id}.json`] });
  });
});
