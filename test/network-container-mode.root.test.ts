/**
 * `--network container:NAME`: a container in another's network namespace, as Docker's — the
 * same address, its services on 127.0.0.1, its hostname and /etc files (resolv.conf with the
 * user network's resolver, so names resolve), no network of its own in inspect and ps, the
 * settings it may not give refused with dockerd's words (and `network connect`), and a target that is missing or not
 * running refused at start (dockerd 20.10 creates such a container and records the target by ID). Subnet 10.251.4.0/24 is this file's own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasDocker, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { api, footprint } from './network-helpers.js';

const SUBNET = '10.251.4.0/24';

describe('--network container:NAME', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  const bridges: string[] = [];
  const ids: string[] = [];
  let bridgeSubnet = '';
  let web = '';

  before(async () => {
    d = await daemonWithBusybox();
    const b = (await api(d, 'GET', '/networks/bridge')).json;
    bridges.push(b.Options['com.docker.network.bridge.name']);
    bridgeSubnet = b.IPAM.Config[0].Subnet;
    web = (await ok(d.berth(['run', '-d', '--name', 'web', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']))).trim();
    ids.push(web);
  });

  after(async () => {
    await cleanupDaemon(d);
    assert.deepEqual(footprint(d, bridges, ['10.251.4.', bridgeSubnet.replace(/0\/\d+$/, '')], ids), { links: [], rules: [], netns: [] });
  });

  it('shares the address, 127.0.0.1, the hostname and the /etc files of the other container', async () => {
    const webIp = (await ok(d.berth(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'web']))).trim();
    assert.ok(webIp);
    const out = await ok(d.berth(['run', '--rm', '--network', 'container:web', 'busybox', 'sh', '-c',
      'ip -4 -o addr show eth0; hostname; wget -q -O - http://127.0.0.1:80/hostname; cat /etc/hosts']));
    assert.match(out, new RegExp(`inet ${webIp.replace(/\./g, '\\.')}/24`));
    const lines = out.split('\n');
    assert.equal(lines[1], web.slice(0, 12), 'the hostname is the other container\'s');
    assert.equal(lines[2], web.slice(0, 12), 'its httpd answers on 127.0.0.1');
    assert.match(out, new RegExp(`^${webIp.replace(/\./g, '\\.')}\\t${web.slice(0, 12)}$`, 'm'), 'its /etc/hosts');
  });

  it('inspect and ps show no network of its own; its /etc files are the other container\'s', async () => {
    ids.push((await ok(d.berth(['run', '-d', '--name', 'side', '--network', 'container:web', 'busybox', 'sleep', '300']))).trim());
    const side = (await api(d, 'GET', '/containers/side/json')).json;
    const w = (await api(d, 'GET', '/containers/web/json')).json;
    assert.equal(side.HostConfig.NetworkMode, `container:${web}`, 'recorded by ID, as dockerd does');
    assert.deepEqual(side.NetworkSettings.Networks, {});
    assert.deepEqual([side.NetworkSettings.IPAddress, side.NetworkSettings.Ports], ['', {}]);
    assert.deepEqual([side.HostsPath, side.ResolvConfPath, side.HostnamePath], [w.HostsPath, w.ResolvConfPath, w.HostnamePath]);
    assert.equal(side.Config.Hostname, w.Config.Hostname);
    assert.equal(await ok(d.berth(['ps', '--filter', 'name=side', '--format', '[{{.Networks}}] [{{.Ports}}]'])), '[] []\n');
    const summary = (await api(d, 'GET', '/containers/json?filters=' + encodeURIComponent(JSON.stringify({ name: ['side'] })))).json[0];
    assert.deepEqual([summary.HostConfig.NetworkMode, summary.NetworkSettings.Networks, summary.Ports], [`container:${web}`, {}, []]);
    // The same namespace: the kernel's inode of it matches.
    const ns = async (c: string) => (await ok(d.berth(['exec', c, 'readlink', '/proc/self/ns/net']))).trim();
    assert.equal(await ns('side'), await ns('web'));
    const connect = await api(d, 'POST', '/networks/bridge/connect', { Container: 'side' });
    assert.deepEqual([connect.status, connect.json.message], [400, 'container sharing network namespace with another container or host cannot be connected to any other network']);
    await ok(d.berth(['rm', '-f', 'side']));
  });

  it('on a user network it uses the network\'s resolver: names resolve', async () => {
    await ok(d.berth(['network', 'create', '--subnet', SUBNET, 'cmnet']));
    bridges.push(`br-${(await api(d, 'GET', '/networks/cmnet')).json.Id.slice(0, 12)}`);
    ids.push((await ok(d.berth(['run', '-d', '--name', 'peer', '--network', 'cmnet', '--network-alias', 'peeralias', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']))).trim());
    ids.push((await ok(d.berth(['run', '-d', '--name', 'owner', '--network', 'cmnet', 'busybox', 'sleep', '300']))).trim());
    const out = await ok(d.berth(['run', '--rm', '--network', 'container:owner', 'busybox', 'sh', '-c', 'cat /etc/resolv.conf; wget -q -O - http://peeralias/hostname']));
    assert.match(out, /^nameserver 127\.0\.0\.11$/m);
    assert.match(out, new RegExp(`^${ids.at(-2)!.slice(0, 12)}$`, 'm'));
    await ok(d.berth(['rm', '-f', 'peer', 'owner']));
    await ok(d.berth(['network', 'rm', 'cmnet']));
  });

  it('refuses the settings that belong to the other container, with dockerd\'s words', async () => {
    const cases: [string[], string][] = [
      [['-p', '8080:80'], 'conflicting options: port publishing and the container type network mode'],
      [['-P'], 'conflicting options: port publishing and the container type network mode'],
      [['--expose', '80'], 'conflicting options: port exposing and the container type network mode'],
      [['--dns', '10.0.0.1'], 'conflicting options: dns and the network mode'],
      [['--hostname', 'other'], 'conflicting options: hostname and the network mode'],
      [['--add-host', 'h:10.0.0.1'], 'conflicting options: custom host-to-IP mapping and the network mode'],
      [['--mac-address', '02:42:ac:11:00:09'], 'conflicting options: mac-address and the network mode'],
    ];
    for (const [flags, message] of cases) {
      const r = await d.berth(['create', '--network', 'container:web', ...flags, 'busybox', 'true']);
      assert.notEqual(r.code, 0, flags.join(' '));
      assert.match(r.stderr, new RegExp(`Error response from daemon: ${message}`), flags.join(' '));
    }
    const bad = await api(d, 'POST', '/containers/create', { Image: 'busybox', HostConfig: { NetworkMode: 'container:' } });
    assert.deepEqual([bad.status, bad.json.message], [400, 'invalid network mode: invalid container format container:<name|id>']);
    const published = await api(d, 'POST', '/containers/create', { Image: 'busybox', HostConfig: { NetworkMode: 'container:web', PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } });
    assert.deepEqual([published.status, published.json.message], [400, 'conflicting options: port publishing and the container type network mode']);
    assert.equal((await ok(d.berth(['ps', '-aq', '--filter', 'name=^/web$']))).trim().length, 12, 'nothing else was created');
  });

  it('a missing or stopped container to join: created, then 404 or 409 at start (dockerd 20.10)', async () => {
    const missing = await api(d, 'POST', '/containers/create?name=orphan', { Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'container:nosuch' } });
    assert.equal(missing.status, 201, JSON.stringify(missing.json));
    const noTarget = await api(d, 'POST', '/containers/orphan/start');
    assert.deepEqual([noTarget.status, noTarget.json.message], [404, 'No such container: nosuch']);
    // The docker CLI does not take that 404 for a missing image (it would try to pull busybox).
    const viaCli = await d.berth(['run', '--rm', '--network', 'container:nosuch', 'busybox', 'true']);
    assert.equal(viaCli.code, 125);
    assert.match(viaCli.stderr, /No such container: nosuch/);
    assert.doesNotMatch(viaCli.stderr, /Unable to find image/);
    const idle = (await ok(d.berth(['create', '--name', 'idle', 'busybox', 'true']))).trim();
    ids.push(idle);
    const r = await d.berth(['run', '--name', 'joiner', '--network', 'container:idle', 'busybox', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`cannot join network of a non running container: ${idle}`));
    const start = await api(d, 'POST', '/containers/joiner/start');
    assert.deepEqual([start.status, start.json.message], [409, `cannot join network of a non running container: ${idle}`]);
    await ok(d.berth(['rm', '-f', 'joiner', 'idle', 'orphan']));
  });

  it('the docker CLI: run --network container:NAME, and its refusal of -p', { skip: !hasDocker }, async () => {
    assert.equal(await ok(d.docker(['run', '--rm', '--network', `container:${web.slice(0, 12)}`, 'busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1/hostname'])), `${web.slice(0, 12)}\n`);
    const r = await d.docker(['run', '--rm', '--network', 'container:web', '-p', '8080:80', 'busybox', 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^docker: Error response from daemon: conflicting options: port publishing and the container type network mode/);
  });
});
