/**
 * testcontainers-node (11) against berthd, through DOCKER_HOST as its users point it at an
 * engine: a GenericContainer with withExposedPorts, waited for with Wait.forListeningPorts
 * and Wait.forHttp (busybox httpd serving a file), its mapped port answering on the host; and a
 * Network whose container, given withNetworkAliases, is reached by alias from another. Ryuk is
 * off (its image cannot be pulled here); the test removes what it made. The network's subnet
 * is the one berth picks; its footprint is checked by name.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GenericContainer, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import type { TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { api, footprint, httpGet } from './network-helpers.js';

const SERVE = 'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www';

describe('testcontainers-node against berthd', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  const bridges: string[] = [];
  const subnets: string[] = [];
  const ids: string[] = [];

  before(async () => {
    d = await daemonWithBusybox();
    process.env.DOCKER_HOST = d.host;
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    const b = (await api(d, 'GET', '/networks/bridge')).json;
    bridges.push(b.Options['com.docker.network.bridge.name']);
    subnets.push(b.IPAM.Config[0].Subnet.replace(/0\/\d+$/, ''));
  });

  after(async () => {
    await cleanupDaemon(d);
    assert.deepEqual(footprint(d, bridges, subnets, ids), { links: [], rules: [], netns: [] });
  });

  it('GenericContainer: withExposedPorts, Wait.forListeningPorts, the mapped port on the host', async () => {
    const c: StartedTestContainer = await new GenericContainer('busybox:latest')
      .withCommand(['sh', '-c', SERVE])
      .withExposedPorts(80)
      .withWaitStrategy(Wait.forListeningPorts())
      .withStartupTimeout(60_000)
      .start();
    ids.push(c.getId());
    try {
      const port = c.getMappedPort(80);
      assert.ok(port > 0);
      assert.equal(await httpGet(port, '/index.html'), `hello from ${c.getId().slice(0, 12)}\n`);
      // On a host with /.dockerenv testcontainers talks to the default bridge's gateway; else localhost.
      const gateway = (await api(d, 'GET', '/networks/bridge')).json.IPAM.Config[0].Gateway;
      assert.ok(['localhost', gateway].includes(c.getHost()), c.getHost());
      assert.equal(await (await fetch(`http://${c.getHost()}:${port}/index.html`)).text(), `hello from ${c.getId().slice(0, 12)}\n`);
      const ex = await c.exec(['cat', '/www/index.html']);
      assert.deepEqual([ex.exitCode, ex.output], [0, `hello from ${c.getId().slice(0, 12)}\n`]);
      assert.equal((await api(d, 'GET', `/containers/${c.getId()}/json`)).json.Config.Labels['org.testcontainers'], 'true');
    } finally {
      await c.stop();
    }
    assert.equal((await api(d, 'GET', `/containers/${c.getId()}/json`)).status, 404, 'stop() removed it');
  });

  it('Wait.forHealthCheck: start() returns once the container is healthy', async () => {
    const t0 = Date.now();
    const c = await new GenericContainer('busybox:latest')
      .withCommand(['sh', '-c', 'sleep 1.5 && touch /tmp/ready && exec sleep 300'])
      .withHealthCheck({ test: ['CMD-SHELL', 'test -f /tmp/ready'], interval: 250, timeout: 2000, retries: 40 })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(60_000)
      .start();
    ids.push(c.getId());
    try {
      assert.ok(Date.now() - t0 >= 1500, `start() returned after ${Date.now() - t0} ms, before the container could be healthy`);
      const state = (await api(d, 'GET', `/containers/${c.getId()}/json`)).json.State;
      assert.equal(state.Health.Status, 'healthy');
      assert.ok(state.Health.Log.some((l: { ExitCode: number }) => l.ExitCode === 0));
    } finally {
      await c.stop();
    }
  });

  it('Wait.forHttp: the container is ready once the file is served', async () => {
    const c = await new GenericContainer('busybox:latest')
      .withCommand(['sh', '-c', `sleep 1; ${SERVE}`])
      .withExposedPorts(80)
      .withWaitStrategy(Wait.forHttp('/index.html', 80).forStatusCode(200).forResponsePredicate((body) => body.startsWith('hello from')))
      .withStartupTimeout(60_000)
      .start();
    ids.push(c.getId());
    try {
      assert.match(await httpGet(c.getMappedPort(80), '/index.html', 1), /^hello from [0-9a-f]{12}\n$/);
    } finally {
      await c.stop();
    }
  });

  it('Network with withNetworkAliases: one container reaches another by its alias', async () => {
    const network: StartedNetwork = await new Network().start();
    const n = (await api(d, 'GET', `/networks/${network.getId()}`)).json;
    bridges.push(`br-${network.getId().slice(0, 12)}`);
    subnets.push(n.IPAM.Config[0].Subnet.replace(/0\/\d+$/, ''));
    let web: StartedTestContainer | undefined;
    let client: StartedTestContainer | undefined;
    try {
      web = await new GenericContainer('busybox:latest')
        .withCommand(['sh', '-c', SERVE])
        .withExposedPorts(80)
        .withNetwork(network)
        .withNetworkAliases('webalias')
        .withWaitStrategy(Wait.forListeningPorts())
        .start();
      ids.push(web.getId());
      client = await new GenericContainer('busybox:latest').withCommand(['sleep', '300']).withNetwork(network).start();
      ids.push(client.getId());
      const r = await client.exec(['wget', '-q', '-O', '-', 'http://webalias/index.html']);
      assert.deepEqual([r.exitCode, r.output], [0, `hello from ${web.getId().slice(0, 12)}\n`]);
      // Created on the default network, then connected with its alias (as Docker, it is on both).
      assert.deepEqual(web.getNetworkNames().sort(), ['bridge', network.getName()].sort());
      assert.match(web.getIpAddress(network.getName()), new RegExp(`^${subnets.at(-1)!.replace(/\./g, '\\.')}\\d+$`));
    } finally {
      await client?.stop();
      await web?.stop();
      await network.stop();
    }
    assert.equal((await api(d, 'GET', `/networks/${network.getId()}`)).status, 404);
    assert.equal(await ok(d.berth(['ps', '-aq'])), '');
  });
});
