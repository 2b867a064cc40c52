/**
 * 50 containers started at once on one user network, each resolving (nslookup) and pinging the
 * next by name: all succeed; after `rm -f` of all of them nothing is left: no veth on the
 * bridge, no iptables rule of the subnet, no aardvark-dns entry, no network namespace, no proxy.
 * Subnet 10.251.13.0/24 is this file's own.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { api, footprint } from './network-helpers.js';

const SUBNET = '10.251.13.0/24';
const MANY = 50;

/** aardvark-dns entries (lines after the first of each network's file) of the test daemon. */
function aardvarkEntries(d: TestDaemon): string[] {
  const dir = join(d.execRoot, 'netavark', 'aardvark-dns');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && f !== 'aardvark.pid')
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').slice(1).filter(Boolean));
}

describe(`${MANY} containers on one network`, { timeout: 600_000 }, () => {
  let d: TestDaemon;
  const bridges: string[] = [];
  const ids: string[] = [];

  before(async () => {
    d = await daemonWithBusybox();
  });

  after(async () => {
    await cleanupDaemon(d);
    assert.deepEqual(footprint(d, bridges, ['10.251.13.'], ids), { links: [], rules: [], netns: [] });
  });

  it('all start at once, each resolves and pings the next by name; rm -f leaves nothing', async () => {
    await ok(d.berth(['network', 'create', '--subnet', SUBNET, 'many']));
    bridges.push(`br-${(await api(d, 'GET', '/networks/many')).json.Id.slice(0, 12)}`);
    const names = Array.from({ length: MANY }, (_, i) => `m${i}`);
    const started = await Promise.all(
      names.map((n, i) => {
        const next = names[(i + 1) % MANY];
        const script = `for t in $(seq 150); do nslookup ${next} >/dev/null 2>&1 && ping -c1 -W2 ${next} >/dev/null 2>&1 && touch /ok && break; sleep 0.2; done; sleep 600`;
        return ok(d.berth(['run', '-d', '--name', n, '--network', 'many', 'busybox', 'sh', '-c', script], { timeoutMs: 400_000 }));
      }),
    );
    ids.push(...started.map((s) => s.trim()));
    const deadline = Date.now() + 120_000;
    let missing = names;
    while (missing.length && Date.now() < deadline) {
      const done = await Promise.all(missing.map((n) => d.berth(['exec', n, 'test', '-e', '/ok']).then((r) => r.code === 0)));
      missing = missing.filter((_, i) => !done[i]);
      if (missing.length) await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual(missing, [], 'every container resolved and pinged its neighbour by name');
    assert.equal(aardvarkEntries(d).length, MANY, 'one aardvark-dns entry per container');

    await ok(d.berth(['rm', '-f', ...names], { timeoutMs: 400_000 }));
    assert.deepEqual(aardvarkEntries(d), []);
    assert.deepEqual(footprint(d, bridges, ['10.251.13.'], ids), { links: [], rules: [], netns: [] });
    await ok(d.berth(['network', 'rm', 'many']));
  });
});
