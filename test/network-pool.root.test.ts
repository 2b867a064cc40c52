/**
 * The default bridge's namespace pool (network/warm-pool.ts in bridge-network-manager.ts):
 * containers started from it get the settings, /etc files and events a container gets without
 * it, reach each other and the host's address on the bridge; one that ended gives its namespace
 * back (the next container gets its address, as Docker's lowest-free allocation would); and
 * after a daemon stop, or a crash and a restart, nothing of the pool is left: no namespace file
 * or mount, no veth, no endpoint record holding an address.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { api, footprint } from './network-helpers.js';

const ls = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('the default bridge\'s namespace pool', { timeout: 180_000 }, () => {
  let d: TestDaemon;
  let bridge: { id: string; name: string; subnet: string; gateway: string };
  const ids: string[] = [];
  const netnsDir = () => join(d.execRoot, 'netns');
  const endpointsDir = () => join(d.dataRoot, 'network', 'endpoints');
  /** The pool's entries: their keys and addresses. */
  const pool = () =>
    ls(endpointsDir())
      .filter((f) => f.startsWith('pool-'))
      .map((f) => ({ key: f.slice(0, -5), ip: JSON.parse(readFileSync(join(endpointsDir(), f), 'utf8')).endpoints[0].ipAddress as string }));
  const filled = async (n: number) => {
    for (let i = 0; i < 600 && (pool().length !== n || ls(netnsDir()).filter((f) => f.startsWith('pool-')).length !== n); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(pool().length, n, 'the pool filled');
    return pool();
  };
  const mounts = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(` ${netnsDir()}/`));
  const leftovers = () => ({ netns: ls(netnsDir()), mounts: mounts(), endpoints: ls(endpointsDir()), links: footprint(d, [bridge.name], [], []).links });
  const nothing = { netns: [], mounts: [], endpoints: [], links: [] };

  before(async () => {
    d = await daemonWithBusybox();
    const b = (await api(d, 'GET', '/networks/bridge')).json;
    bridge = { id: b.Id, name: b.Options['com.docker.network.bridge.name'], subnet: b.IPAM.Config[0].Subnet, gateway: b.IPAM.Config[0].Gateway };
  });

  after(async () => {
    // A test that failed may leave the daemon killed: it tidies up at its next start.
    if (d.process.exitCode !== null || d.process.signalCode !== null) await d.restart();
    await cleanupDaemon(d);
    assert.deepEqual(footprint(d, [bridge.name], [bridge.subnet.replace(/0\/\d+$/, '')], ids), { links: [], rules: [], netns: [] });
  });

  it('pooled containers get Docker\'s settings, reach each other and the host\'s address', async () => {
    const entries = await filled(2);
    const since = Math.floor(Date.now() / 1000) - 1;
    for (const n of ['pa', 'pb']) ids.push((await ok(d.berth(['run', '-d', '--name', n, 'busybox', 'sleep', '300']))).trim());
    const [a, b] = await Promise.all(ids.map(async (id) => (await api(d, 'GET', `/containers/${id}/json`)).json));
    const ips = [a.NetworkSettings.IPAddress, b.NetworkSettings.IPAddress];
    assert.deepEqual([...ips].sort(), entries.map((e) => e.ip).sort(), 'both came from the pool');
    for (const c of [a, b]) {
      const s = c.NetworkSettings;
      const mac = `02:42:${s.IPAddress.split('.').map((x: string) => Number(x).toString(16).padStart(2, '0')).join(':')}`;
      assert.equal(s.SandboxKey, join(netnsDir(), c.Id));
      assert.deepEqual([s.Gateway, s.IPPrefixLen, s.MacAddress], [bridge.gateway, 24, mac]);
      assert.match(s.EndpointID, /^[0-9a-f]{64}$/);
      const ep = s.Networks.bridge;
      assert.deepEqual([ep.NetworkID, ep.EndpointID, ep.IPAddress, ep.MacAddress, ep.Gateway, ep.DNSNames], [bridge.id, s.EndpointID, s.IPAddress, mac, bridge.gateway, null]);
      const inside = await ok(d.berth(['exec', c.Id, 'sh', '-c', 'ip -o -4 addr show eth0; cat /sys/class/net/eth0/address; ip route; cat /etc/hosts']));
      assert.match(inside, new RegExp(`inet ${s.IPAddress.replace(/\./g, '\\.')}/24 `));
      assert.match(inside, new RegExp(`^${mac}$`, 'm'));
      assert.match(inside, new RegExp(`^default via ${bridge.gateway.replace(/\./g, '\\.')} dev eth0`, 'm'));
      assert.match(inside, new RegExp(`^${s.IPAddress.replace(/\./g, '\\.')}\\t${c.Id.slice(0, 12)}$`, 'm'));
    }
    const net = (await api(d, 'GET', '/networks/bridge')).json;
    assert.deepEqual(Object.keys(net.Containers).sort(), [...ids].sort(), 'no pool entry among the containers');
    assert.equal(net.Containers[a.Id].IPv4Address, `${ips[0]}/24`);
    await ok(d.berth(['exec', 'pa', 'ping', '-c1', '-W2', ips[1]]));
    const server = createServer((_, res) => res.end('host says hi'));
    await new Promise<void>((r) => server.listen(0, bridge.gateway, r));
    try {
      const port = (server.address() as AddressInfo).port;
      assert.equal(await ok(d.berth(['exec', 'pb', 'wget', '-q', '-O-', `http://${bridge.gateway}:${port}/`])), 'host says hi');
    } finally {
      server.close();
    }
    const events = await ok(d.berth(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000)), '--filter', 'type=network', '--format', '{{.Action}} {{.Actor.ID}} {{index .Actor.Attributes "container"}}']));
    assert.deepEqual(events.trim().split('\n').sort(), ids.map((id) => `connect ${bridge.id} ${id}`).sort());
  });

  it('a container that ended gives its namespace back: the next one gets its address', async () => {
    const [a] = ids;
    const ip = (await api(d, 'GET', `/containers/${a}/json`)).json.NetworkSettings.IPAddress;
    await filled(2);
    await ok(d.berth(['rm', '-f', 'pa']));
    for (let i = 0; i < 100 && !pool().some((e) => e.ip === ip); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(pool().some((e) => e.ip === ip), 'back in the pool (the lowest address: it stays, the highest goes)');
    assert.match(await ok(d.berth(['run', '--rm', 'busybox', 'ip', '-o', '-4', 'addr', 'show', 'eth0'])), new RegExp(`inet ${ip.replace(/\./g, '\\.')}/24 `));
  });

  it('nothing is left after a stop, nor after a crash and the restart', async () => {
    await ok(d.berth(['rm', '-f', 'pb']));
    await filled(2);
    await d.stop();
    assert.deepEqual(leftovers(), nothing, 'after a stop');
    await d.restart();
    const old = await filled(2);
    await d.stop('SIGKILL');
    assert.ok(mounts().length > 0, 'a crash leaves the pool');
    await d.restart();
    const now = await filled(2);
    assert.ok(!now.some((e) => old.some((o) => o.key === e.key)), 'the crashed run\'s entries went');
    await d.stop();
    assert.deepEqual(leftovers(), nothing, 'after the restart and a stop');
  });
});
