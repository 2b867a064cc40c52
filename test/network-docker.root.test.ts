/**
 * The docker CLI (28) against berthd's networks, its output compared with Docker's formats:
 * `run -d -P` of an image's EXPOSEd port and `port` (all and one), DNS between two containers
 * by name and by `--network-alias` on a user network, `network connect --alias` and
 * `disconnect` of a running container (its resolv.conf follows), `inspect` of the endpoint (Aliases, DNSNames), `ps`
 * PORTS and NETWORKS, `network ls`, `network inspect`, `network prune`. Subnet 10.251.6.0/24
 * is this file's own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasDocker, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { api, footprint, httpGet } from './network-helpers.js';

const SUBNET = '10.251.6.0/24';

describe('docker CLI: networks and published ports', { skip: !hasDocker, timeout: 300_000 }, () => {
  let d: TestDaemon;
  const bridges: string[] = [];
  const ids: string[] = [];
  let bridgeSubnet = '';
  const docker = (args: string[]) => ok(d.docker(args));

  before(async () => {
    d = await daemonWithBusybox();
    await ok(d.berth(['import', '-c', 'EXPOSE 80', '-c', 'CMD ["httpd", "-f", "-p", "80", "-h", "/etc"]', `${d.dir}/rootfs.tar`, 'bbweb']));
    const b = (await api(d, 'GET', '/networks/bridge')).json;
    bridges.push(b.Options['com.docker.network.bridge.name']);
    bridgeSubnet = b.IPAM.Config[0].Subnet;
  });

  after(async () => {
    await cleanupDaemon(d);
    assert.deepEqual(footprint(d, bridges, ['10.251.6.', bridgeSubnet.replace(/0\/\d+$/, '')], ids), { links: [], rules: [], netns: [] });
  });

  it('network create and ls', async () => {
    const id = (await docker(['network', 'create', '--subnet', SUBNET, 'dnet'])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    bridges.push(`br-${id.slice(0, 12)}`);
    assert.equal(await docker(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']), 'bridge bridge local\ndnet bridge local\nhost host local\nnone null local\n');
    assert.match(await docker(['network', 'ls']), new RegExp(`^NETWORK ID +NAME +DRIVER +SCOPE\\n(.*\\n)*${id.slice(0, 12)} +dnet +bridge +local\\n`));
  });

  it('run -d -P publishes the EXPOSEd port; port and ps show it as Docker does', async () => {
    const id = (await docker(['run', '-d', '--name', 'srv', '--network', 'dnet', '--network-alias', 'api', '-P', 'bbweb'])).trim();
    ids.push(id);
    const all = await docker(['port', 'srv']);
    const m = /^80\/tcp -> 0\.0\.0\.0:(\d+)\n80\/tcp -> \[::\]:\1\n$/.exec(all);
    assert.ok(m, all);
    const port = Number(m[1]);
    assert.equal(await docker(['port', 'srv', '80/tcp']), `0.0.0.0:${port}\n[::]:${port}\n`);
    assert.equal((await httpGet(port, '/hostname')).trim(), id.slice(0, 12));
    assert.equal(await docker(['ps', '--filter', 'name=srv', '--format', '{{.Ports}}|{{.Networks}}']), `0.0.0.0:${port}->80/tcp, [::]:${port}->80/tcp|dnet\n`);
    const table = await docker(['ps', '--filter', 'name=srv']);
    assert.match(table, /^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES\n/);
    assert.match(table, new RegExp(` 0\\.0\\.0\\.0:${port}->80/tcp, \\[::\\]:${port}->80/tcp +srv\\n$`));
    const lo = (await docker(['run', '-d', '--name', 'lo', '-p', '127.0.0.1::80', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc'])).trim();
    ids.push(lo);
    const loPort = /^80\/tcp -> 127\.0\.0\.1:(\d+)\n$/.exec(await docker(['port', 'lo']))?.[1];
    assert.ok(loPort);
    assert.equal(await docker(['ps', '--filter', 'name=lo', '--format', '{{.Ports}}|{{.Networks}}']), `127.0.0.1:${loPort}->80/tcp|bridge\n`);
    assert.equal((await httpGet(Number(loPort), '/hostname')).trim(), lo.slice(0, 12));
    await docker(['rm', '-f', 'lo']);
  });

  it('containers on the network resolve each other by name and by alias; inspect shows Aliases and DNSNames', async () => {
    const id = ids[0]!;
    const out = await docker(['run', '--rm', '--network', 'dnet', 'busybox', 'sh', '-c', 'wget -q -O - http://srv/hostname; wget -q -O - http://api/hostname']);
    assert.equal(out, `${id.slice(0, 12)}\n${id.slice(0, 12)}\n`);
    const ep = JSON.parse(await docker(['inspect', '-f', '{{json .NetworkSettings.Networks.dnet}}', 'srv']));
    assert.deepEqual([ep.Aliases, ep.DNSNames, ep.Gateway, ep.IPPrefixLen], [['api', id.slice(0, 12)], ['srv', 'api', id.slice(0, 12)], '10.251.6.1', 24]);
    assert.match(ep.IPAddress, /^10\.251\.6\.\d+$/);
    assert.match(ep.MacAddress, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const net = JSON.parse(await docker(['network', 'inspect', 'dnet']))[0];
    assert.deepEqual(net.Containers[id], { Name: 'srv', EndpointID: ep.EndpointID, MacAddress: ep.MacAddress, IPv4Address: `${ep.IPAddress}/24`, IPv6Address: '' });
    // A subnet asked for without a gateway: dockerd shows the IPAM config as asked, with no gateway.
    assert.deepEqual(net.IPAM.Config, [{ Subnet: SUBNET }]);
  });

  it('network connect --alias and disconnect of a running container', async () => {
    ids.push((await docker(['run', '-d', '--name', 'other', 'busybox', 'sleep', '300'])).trim());
    await docker(['network', 'connect', '--alias', 'extra', 'dnet', 'other']);
    // The docker CLI joins the names in Go's map order, which varies from run to run.
    assert.deepEqual((await docker(['ps', '--filter', 'name=other', '--format', '{{.Networks}}'])).trim().split(',').sort(), ['bridge', 'dnet']);
    const probe = 'ping -c1 -W3 extra >/dev/null 2>&1 && echo ALIAS; ping -c1 -W3 other >/dev/null 2>&1 && echo NAME; true';
    assert.equal(await docker(['run', '--rm', '--network', 'dnet', 'busybox', 'sh', '-c', probe]), 'ALIAS\nNAME\n');
    // From the other side: `other` now resolves `srv` over its second interface.
    assert.equal((await docker(['exec', 'other', 'wget', '-q', '-O', '-', 'http://api/hostname'])).trim(), ids[0]!.slice(0, 12));
    assert.match(await docker(['exec', 'other', 'cat', '/etc/resolv.conf']), /^nameserver 127\.0\.0\.11\n(.*\n)*options ndots:0$/m, 'Docker\'s embedded resolver, as Docker starts it');
    await docker(['network', 'disconnect', 'dnet', 'other']);
    assert.equal(await docker(['exec', 'other', 'cat', '/etc/resolv.conf']), await docker(['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf']), 'the host\'s resolvers again');
    assert.equal(await docker(['run', '--rm', '--network', 'dnet', 'busybox', 'sh', '-c', probe]), '');
    assert.equal(await docker(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', 'other']), 'bridge \n');
  });

  it('network rm of a network in use fails; prune removes the unused ones', async () => {
    const busy = await d.docker(['network', 'rm', 'dnet']);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /^Error response from daemon: error while removing network: network dnet id [0-9a-f]{64} has active endpoints/);
    await docker(['rm', '-f', 'srv', 'other']);
    assert.equal(await docker(['network', 'prune', '-f']), 'Deleted Networks:\ndnet\n\n');
    assert.equal(await docker(['network', 'ls', '--format', '{{.Name}}']), 'bridge\nhost\nnone\n');
  });
});
