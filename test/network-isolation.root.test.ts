/**
 * Isolation between networks holds while other networks come and go: a container on one
 * network pings a container on another, at a steady pace, while a second berthd (as the tests
 * run several side by side) keeps creating a network, running a container on it and removing
 * both. Not one ping may be answered; a control on the target's own network shows the target
 * answers. Afterwards berth's isolation chains hold no rule of these daemons' bridges.
 * Subnets 10.251.8.0/24, 10.251.9.0/24 and 10.251.10-12.0/24 are this file's own.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { api, footprint } from './network-helpers.js';

const SUBNET_A = '10.251.8.0/24';
const SUBNET_B = '10.251.9.0/24';
const CHURN = ['10.251.10.0/24', '10.251.11.0/24', '10.251.12.0/24'];
const TARGET = '10.251.8.2';

describe('isolation between networks under churn', { timeout: 240_000 }, () => {
  let d: TestDaemon;
  let other: TestDaemon;
  const bridges: string[] = [];
  const ids: string[] = [];

  before(async () => {
    [d, other] = await Promise.all([daemonWithBusybox(), daemonWithBusybox()]);
    for (const x of [d, other]) bridges.push((await api(x, 'GET', '/networks/bridge')).json.Options['com.docker.network.bridge.name']);
  });

  after(async () => {
    await Promise.all([d && cleanupDaemon(d), other && cleanupDaemon(other)]);
    const subnets = [SUBNET_A, SUBNET_B, ...CHURN].map((s) => s.replace('.0/24', '.'));
    assert.deepEqual(footprint(d, bridges, subnets, ids), { links: [], rules: [], netns: [] });
    const mangle = execFileSync('iptables-save', ['-t', 'mangle'], { encoding: 'utf8' });
    for (const b of bridges) assert.ok(!mangle.includes(` ${b} `), `isolation rules of ${b} are gone`);
  });

  it('no packet crosses from one network to another while a parallel daemon churns networks', async () => {
    await ok(d.berth(['network', 'create', '--subnet', SUBNET_A, 'iso-a']));
    await ok(d.berth(['network', 'create', '--subnet', SUBNET_B, 'iso-b']));
    for (const n of ['iso-a', 'iso-b']) bridges.push(`br-${(await api(d, 'GET', `/networks/${n}`)).json.Id.slice(0, 12)}`);
    ids.push((await ok(d.berth(['run', '-d', '--name', 'target', '--network', 'iso-a', '--ip', TARGET, 'busybox', 'sleep', '600']))).trim());
    // Control: the target answers on its own network.
    assert.match(await ok(d.berth(['run', '--rm', '--network', 'iso-a', 'busybox', 'ping', '-c1', '-W5', TARGET])), /1 packets received/);

    let churning = true;
    let rounds = 0;
    const churn = (async () => {
      for (let i = 0; churning; i++) {
        const name = `churn${i % CHURN.length}`;
        await ok(other.berth(['network', 'create', '--subnet', CHURN[i % CHURN.length]!, name]));
        const id = (await api(other, 'GET', `/networks/${name}`)).json.Id as string;
        if (!bridges.includes(`br-${id.slice(0, 12)}`)) bridges.push(`br-${id.slice(0, 12)}`);
        await ok(other.berth(['run', '--rm', '--network', name, 'busybox', 'true']));
        await ok(other.berth(['network', 'rm', name]));
        rounds++;
      }
    })();
    // 60 pings, 0.25 s apart (about 15 s plus the start): each one a chance to slip through.
    const pinger = await d.berth(['run', '--rm', '--network', 'iso-b', 'busybox', 'sh', '-c', `ping -c 60 -i 0.25 -W 1 ${TARGET}; true`], { timeoutMs: 120_000 });
    churning = false;
    await churn;
    assert.equal(pinger.code, 0, pinger.stderr);
    assert.match(pinger.stdout, /60 packets transmitted, 0 packets received/);
    assert.ok(rounds >= 2, `the other daemon churned networks during the pings (${rounds} rounds)`);
    await ok(d.berth(['rm', '-f', 'target']));
    await ok(d.berth(['network', 'rm', 'iso-a', 'iso-b']));
  });
});
