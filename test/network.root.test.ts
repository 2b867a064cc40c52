/**
 * Networks end to end through a real berthd (netavark + aardvark-dns): the network API and
 * CLI, the default bridge, DNS by name, alias and short ID on a user network, published ports
 * reachable on 127.0.0.1 (berth port, ps PORTS, a taken port), isolation between networks, and
 * a host left as it was found (links, iptables rules, namespaces). Subnets 10.251.1-2.0/24 are
 * this file's own.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { api, footprint, httpGet } from './network-helpers.js';

const SUBNET_A = '10.251.1.0/24';
const SUBNET_B = '10.251.2.0/24';

describe('networks', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  let bridge: { name: string; subnet: string };
  const ids: string[] = [];
  const bridges: string[] = [];

  before(async () => {
    d = await daemonWithBusybox();
    const b = (await api(d, 'GET', '/networks/bridge')).json;
    bridge = { name: b.Options['com.docker.network.bridge.name'], subnet: b.IPAM.Config[0].Subnet };
    bridges.push(bridge.name);
  });

  after(async () => {
    await cleanupDaemon(d);
    const left = footprint(d, bridges, [SUBNET_A.replace('.0/24', '.'), SUBNET_B.replace('.0/24', '.'), bridge.subnet.replace(/0\/\d+$/, '')], ids);
    assert.deepEqual(left, { links: [], rules: [], netns: [] }, 'the host keeps nothing of the test daemon');
    // netavark's shared chains go with the last berth daemon on the host; other test files'
    // daemons (and their containers, which outlive a daemon) run alongside this one, so only
    // this daemon's own footprint is checked here.
  });

  const run = async (args: string[]) => {
    const id = (await ok(d.berth(['run', '-d', ...args]))).trim();
    ids.push(id);
    return id;
  };

  it('lists bridge, host and none; the API answers with Docker statuses and messages', async () => {
    const list = await api(d, 'GET', '/networks');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.map((n: { Name: string }) => n.Name).sort(), ['bridge', 'host', 'none']);
    const b = (await api(d, 'GET', '/networks/bridge')).json;
    assert.equal(b.Driver, 'bridge');
    assert.ok(b.IPAM.Config[0].Gateway, 'testcontainers reads the gateway of the bridge');
    assert.equal((await api(d, 'GET', '/networks/nosuch')).json.message, 'network nosuch not found');
    const del = await api(d, 'DELETE', '/networks/bridge');
    assert.deepEqual([del.status, del.json.message], [403, 'bridge is a pre-defined network and cannot be removed']);

    const created = await api(d, 'POST', '/networks/create', { Name: 'apinet', CheckDuplicate: true, Driver: 'bridge', Labels: { a: 'b' }, IPAM: { Config: [{ Subnet: SUBNET_A }] } });
    assert.equal(created.status, 201, created.text);
    assert.match(created.json.Id, /^[0-9a-f]{64}$/);
    const dup = await api(d, 'POST', '/networks/create', { Name: 'apinet' });
    assert.deepEqual([dup.status, dup.json.message], [409, 'network with name apinet already exists']);
    const overlap = await api(d, 'POST', '/networks/create', { Name: 'overlap', IPAM: { Config: [{ Subnet: SUBNET_A }] } });
    assert.deepEqual([overlap.status, overlap.json.message], [403, 'Pool overlaps with other one on this address space']);
    const n = (await api(d, 'GET', `/networks/${created.json.Id.slice(0, 10)}`)).json;
    assert.deepEqual([n.Name, n.IPAM.Config, n.Labels, n.Containers], ['apinet', [{ Subnet: SUBNET_A }], { a: 'b' }, {}]);
    // As dockerd: the IPAM config as asked (no gateway was given), and no IPAM options sent, none shown.
    assert.equal(n.IPAM.Options, null);
    const filtered = (await api(d, 'GET', `/networks?filters=${encodeURIComponent(JSON.stringify({ label: { a: true } }))}`)).json;
    assert.deepEqual(filtered.map((x: { Name: string }) => x.Name), ['apinet']);
    assert.equal((await api(d, 'DELETE', '/networks/apinet')).status, 204);
    assert.equal((await api(d, 'DELETE', '/networks/apinet')).status, 404);
  });

  it('network create, ls, inspect, rm and prune with the CLI', async () => {
    const id = (await ok(d.berth(['network', 'create', '--subnet', SUBNET_B, '--label', 'k=v', 'clinet']))).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const ls = await ok(d.berth(['network', 'ls']));
    assert.match(ls, /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\n/);
    assert.match(ls, new RegExp(`${id.slice(0, 12)}\\s+clinet\\s+bridge\\s+local`));
    assert.equal(await ok(d.berth(['network', 'ls', '-q', '--filter', 'name=clinet'])), `${id.slice(0, 12)}\n`);
    assert.equal(await ok(d.berth(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}', 'clinet'])), `${SUBNET_B} \n`);
    const missing = await d.berth(['network', 'inspect', 'nosuchnet']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such network: nosuchnet/);
    assert.equal(await ok(d.berth(['network', 'prune', '-f'])), 'Deleted Networks:\nclinet\n');
    assert.equal((await ok(d.berth(['network', 'ls', '-q', '-f', 'type=custom']))).trim(), '');
  });

  it('containers on a user network resolve each other by name, alias and short ID', async () => {
    await ok(d.berth(['network', 'create', '--subnet', SUBNET_A, 'usernet']));
    bridges.push(`br-${(await api(d, 'GET', '/networks/usernet')).json.Id.slice(0, 12)}`);
    const web = await run(['--name', 'web', '--network', 'usernet', '--network-alias', 'www', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
    const out = await ok(d.berth(['run', '--rm', '--network', 'usernet', 'busybox', 'sh', '-c',
      `cat /etc/resolv.conf; nslookup www; ping -c1 -W5 web && ping -c1 -W5 ${web.slice(0, 12)} && echo PINGS-OK`]));
    assert.match(out, /^nameserver 127\.0\.0\.11$/m, 'Docker\'s embedded resolver');
    assert.match(out, /^options ndots:0$/m);
    assert.match(out, /Name:\s+www\s+Address:?\s+10\.251\.1\.2/);
    assert.match(out, /PINGS-OK/);
    // 127.0.0.11 answers, also with --dns (which Docker's resolver forwards to).
    const viaEmbedded = await ok(d.berth(['run', '--rm', '--network', 'usernet', '--dns', '192.0.2.1', 'busybox', 'sh', '-c',
      'nslookup www 127.0.0.11; grep nameserver /etc/resolv.conf']));
    assert.match(viaEmbedded, /Name:\s+www\s+Address:?\s+10\.251\.1\.2/);
    assert.match(viaEmbedded, /\nnameserver 127\.0\.0\.11\n$/);
    const s = JSON.parse(await ok(d.berth(['inspect', '-f', '{{json .NetworkSettings.Networks.usernet}}', 'web'])));
    assert.equal(s.IPAddress, '10.251.1.2');
    assert.equal(s.Gateway, '10.251.1.1');
    assert.equal(s.MacAddress, '02:42:0a:fb:01:02');
    assert.deepEqual(s.Aliases, ['www', web.slice(0, 12)], 'API 1.41 lists the short ID among the aliases');
    assert.deepEqual(s.DNSNames, ['web', 'www', web.slice(0, 12)]);
    assert.equal(s.NetworkID, (await api(d, 'GET', '/networks/usernet')).json.Id);
    const containers = (await api(d, 'GET', '/networks/usernet')).json.Containers;
    assert.equal(containers[web].IPv4Address, '10.251.1.2/24');
    const busy = await api(d, 'DELETE', '/networks/usernet');
    assert.equal(busy.status, 409);
    assert.match(busy.json.message, /^error while removing network: network usernet id [0-9a-f]{64} has active endpoints$/);
  });

  it('the default bridge has the host resolvers and no names; other networks are unreachable', async () => {
    const out = await ok(d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'ip -4 -o addr show eth0; cat /etc/hosts; ping -c1 -W1 10.251.1.2 >/dev/null 2>&1 && echo REACHED; ping -c1 -W1 web >/dev/null 2>&1 && echo NAMED; true']));
    assert.match(out, new RegExp(`inet ${bridge.subnet.split('.').slice(0, 3).join('\\.')}\\.\\d+/24`));
    assert.doesNotMatch(out, /REACHED|NAMED/);
    await ok(d.berth(['network', 'create', '--subnet', SUBNET_B, 'othernet']));
    bridges.push(`br-${(await api(d, 'GET', '/networks/othernet')).json.Id.slice(0, 12)}`);
    const other = await ok(d.berth(['run', '--rm', '--network', 'othernet', 'busybox', 'sh', '-c', 'ping -c1 -W1 10.251.1.2 >/dev/null 2>&1 && echo REACHED; ping -c1 -W1 10.251.2.1 >/dev/null && echo GATEWAY-OK']));
    assert.doesNotMatch(other, /REACHED/);
    assert.match(other, /GATEWAY-OK/);
  });

  it('legacy links (--link): /etc/hosts and dockerd\'s variables on the default bridge, the alias on a user network, dockerd\'s errors', async () => {
    const db = await run(['--name', 'linkdb', '-e', 'PW=secret', '-e', 'PATH=/bin', '--expose', '5432', '--expose', '7000-7001/udp', 'busybox', 'sleep', '300']);
    const dbIp = (await ok(d.berth(['inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', db]))).trim();
    const out = await ok(d.berth(['run', '--rm', '--name', 'linker', '--link', 'linkdb:data-base', 'busybox', 'sh', '-c', 'grep base /etc/hosts; env | grep ^DATA_BASE_ | sort']));
    const v = (k: string, val: string) => `DATA_BASE_${k}=${val}`;
    assert.equal(out, [`${dbIp}\tdata-base ${db.slice(0, 12)} linkdb`,
      v('ENV_PW', 'secret'), v('NAME', '/linker/data-base'), v('PORT', `tcp://${dbIp}:5432`),
      v('PORT_5432_TCP', `tcp://${dbIp}:5432`), v('PORT_5432_TCP_ADDR', dbIp), v('PORT_5432_TCP_PORT', '5432'), v('PORT_5432_TCP_PROTO', 'tcp'),
      v('PORT_7000_UDP', `udp://${dbIp}:7000`), v('PORT_7000_UDP_ADDR', dbIp), v('PORT_7000_UDP_END', `udp://${dbIp}:7001`), v('PORT_7000_UDP_PORT', '7000'),
      v('PORT_7000_UDP_PORT_END', '7001'), v('PORT_7000_UDP_PORT_START', '7000'), v('PORT_7000_UDP_PROTO', 'udp'), v('PORT_7000_UDP_START', `udp://${dbIp}:7000`),
      v('PORT_7001_UDP', `udp://${dbIp}:7001`), v('PORT_7001_UDP_ADDR', dbIp), v('PORT_7001_UDP_PORT', '7001'), v('PORT_7001_UDP_PROTO', 'udp'), ''].join('\n'));
    const created = (await ok(d.berth(['create', '--name', 'linked', '--link', 'linkdb', 'busybox', 'true']))).trim();
    assert.equal((await ok(d.berth(['inspect', '-f', '{{json .HostConfig.Links}}', created]))).trim(), '["/linkdb:/linked/linkdb"]');
    await ok(d.berth(['rm', created]));
    // On a user network the alias resolves (web runs on usernet since the test above).
    assert.match(await ok(d.berth(['run', '--rm', '--network', 'usernet', '--link', 'web:webalias', 'busybox', 'wget', '-q', '-O', '-', 'http://webalias/hostname'])), /^[0-9a-f]{12}\n$/);
    const refused: [string[], RegExp][] = [
      [['--link', 'nosuch:x'], /could not get container for nosuch: No such container: nosuch/],
      [['--network', 'host', '--link', 'linkdb:x'], /conflicting options: host type networking can't be used with links/],
    ];
    for (const [flags, re] of refused) {
      const r = await d.berth(['run', '--rm', ...flags, 'busybox', 'true']);
      assert.equal(r.code, 125, flags.join(' '));
      assert.match(r.stderr, re);
    }
    ids.push((await ok(d.berth(['create', '--name', 'notrunning', 'busybox', 'true']))).trim());
    ids.push((await ok(d.berth(['create', '--name', 'tolink', '--link', 'notrunning:nr', 'busybox', 'true']))).trim());
    const start = await api(d, 'POST', '/containers/tolink/start');
    assert.deepEqual([start.status, start.json.message], [500, 'Cannot link to a non running container: /notrunning AS /tolink/nr']);
    await ok(d.berth(['rm', '-f', 'linkdb', 'notrunning', 'tolink']));
  });

  it('-p 0:80 publishes on a free port of 127.0.0.1; port, ps and a taken port', async () => {
    const id = await run(['--name', 'pub', '-p', '0:80', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
    const lines = (await ok(d.berth(['port', 'pub']))).split('\n').filter(Boolean);
    assert.equal(lines.length, 2);
    const m = /^80\/tcp -> 0\.0\.0\.0:(\d+)$/.exec(lines[0]!);
    assert.ok(m, lines[0]);
    const port = Number(m[1]);
    assert.equal(lines[1], `80/tcp -> [::]:${port}`);
    assert.equal(await ok(d.berth(['port', 'pub', '80'])), `0.0.0.0:${port}\n[::]:${port}\n`);
    assert.equal((await httpGet(port, '/hostname')).trim(), id.slice(0, 12));
    assert.match(await ok(d.berth(['ps', '--filter', 'name=pub', '--format', '{{.Ports}}'])), new RegExp(`^0\\.0\\.0\\.0:${port}->80/tcp, :::${port}->80/tcp\\n$`));
    const ports = (await api(d, 'GET', '/containers/pub/json')).json.NetworkSettings.Ports;
    assert.deepEqual(ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: String(port) }, { HostIp: '::', HostPort: String(port) }] });
    const taken = await d.berth(['run', '-d', '--name', 'taken', '-p', `${port}:80`, 'busybox', 'httpd', '-f']);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, new RegExp(`Bind for 0\\.0\\.0\\.0:${port} failed: port is already allocated`));
    assert.match(await ok(d.berth(['inspect', '-f', '{{.State.Status}}', 'taken'])), /created/);
    await ok(d.berth(['rm', '-f', 'taken']));
    await ok(d.berth(['rm', '-f', 'pub']));
    assert.equal(execFileSync('iptables-save', { encoding: 'utf8' }).includes(`--dport ${port} `), false, 'the port rule goes with the container');
  });

  it('a container on none has a namespace of its own with only lo, named by SandboxKey as nsenter takes it', async () => {
    const id = (await ok(d.berth(['run', '-d', '--network', 'none', 'busybox', 'sleep', '300']))).trim();
    try {
      const s = (await api(d, 'GET', `/containers/${id}/json`)).json.NetworkSettings;
      assert.equal(s.SandboxID, id);
      assert.match(s.SandboxKey, /^\/proc\/\d+\/ns\/net$/);
      const links = execFileSync('nsenter', [`--net=${s.SandboxKey}`, 'ip', '-o', 'link', 'show']).toString();
      assert.deepEqual(links.trim().split('\n').map((l) => l.split(':')[1]!.trim()), ['lo']);
      assert.deepEqual([s.IPAddress, s.Networks.none.IPAddress], ['', '']);
    } finally {
      await d.berth(['rm', '-f', id]);
    }
  });

  it('rm -f, exit and network rm release everything', async () => {
    await ok(d.berth(['rm', '-f', 'web']));
    await ok(d.berth(['network', 'rm', 'usernet', 'othernet']));
    const f = footprint(d, bridges.slice(1), [SUBNET_A.replace('.0/24', '.'), SUBNET_B.replace('.0/24', '.')], ids);
    assert.deepEqual(f, { links: [], rules: [], netns: [] });
  });
});

describe('a bridge someone else uses', { timeout: 120_000 }, () => {
  it('stays when berthd shuts down: it removes its idle bridges only when nothing else is on them', async () => {
    const d = await startDaemon();
    const dummy = `bdm${process.pid % 100000}`;
    let bridge = '';
    try {
      bridge = (await ok(d.berth(['network', 'inspect', 'bridge', '-f', '{{index .Options "com.docker.network.bridge.name"}}']))).trim();
      // The pool made the bridge at start-up; another user's interface joins it.
      for (let i = 0; i < 200 && !existsSync(`/sys/class/net/${bridge}`); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(existsSync(`/sys/class/net/${bridge}`), `${bridge} exists`);
      execFileSync('ip', ['link', 'add', dummy, 'type', 'veth', 'peer', 'name', `${dummy}p`]);
      execFileSync('ip', ['link', 'set', dummy, 'master', bridge]);
      await d.cleanup();
      assert.ok(existsSync(`/sys/class/net/${bridge}`), 'the bridge with another interface on it stays');
      assert.ok(existsSync(`/sys/class/net/${bridge}/brif/${dummy}`));
    } finally {
      await d.cleanup();
      execFileSync('sh', ['-c', `ip link del ${dummy} 2>/dev/null; ip link del ${bridge || 'none-made'} 2>/dev/null; true`]);
    }
  });
});
