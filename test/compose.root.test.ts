/**
 * docker-compose 1.29 (Debian's, on docker-py) against berthd through DOCKER_HOST: a project
 * with a web service publishing a port and a client reaching it by service name on the
 * project network; `up -d`, `ps` and `port` printed as compose prints them, `exec` and a
 * one-off `run --rm`, then `down -v` leaving no container, network or volume. The project
 * network's subnet is the one berth picks; its footprint is checked by bridge name.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasDocker, run, type RunResult, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { api, footprint, httpGet } from './network-helpers.js';

const COMPOSE = '/usr/bin/docker-compose';

const PROJECT = `version: "3.8"
services:
  web:
    image: busybox
    command: ["sh", "-c", "mkdir -p /www && echo hello-compose > /www/index.html && exec httpd -f -p 80 -h /www"]
    ports:
      - "80"
    volumes:
      - data:/data
    stop_grace_period: 1s
  client:
    image: busybox
    command: ["sleep", "300"]
    depends_on: [web]
    stop_grace_period: 1s
volumes:
  data: {}
`;

const HEALTH_PROJECT = `version: "2.4"
services:
  db:
    image: busybox
    command: ["sh", "-c", "sleep 2 && touch /tmp/ready && exec sleep 300"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 300ms
      timeout: 2s
      retries: 30
    stop_grace_period: 1s
  app:
    image: busybox
    command: ["sleep", "300"]
    depends_on:
      db:
        condition: service_healthy
    stop_grace_period: 1s
`;

const OPTIONS_PROJECT = `version: "2.4"
services:
  app:
    image: busybox
    command: ["sleep", "300"]
    hostname: apphost
    healthcheck:
      disable: true
    stop_grace_period: 1s
  peer:
    image: busybox
    command: ["sleep", "300"]
    stop_grace_period: 1s
  quiet:
    image: busybox
    command: ["sh", "-c", "echo q; sleep 1; echo q2"]
`;

// compose runs `exec` and attached `run` through the docker CLI (its own docker-py path attaches
// after the start and loses the first output, against dockerd too).
describe('docker-compose 1.29 against berthd', { skip: !existsSync(COMPOSE) || !hasDocker, timeout: 300_000 }, () => {
  let d: TestDaemon;
  let dir: string;
  const bridges: string[] = [];
  const subnets: string[] = [];
  const ids: string[] = [];
  const compose = (args: string[]): Promise<RunResult> =>
    run(COMPOSE, ['-p', 'bt', ...args], { cwd: dir, env: { ...process.env, DOCKER_HOST: d.host }, timeoutMs: 120_000 });

  before(async () => {
    d = await daemonWithBusybox();
    dir = mkdtempSync(join(tmpdir(), 'berth-compose-'));
    writeFileSync(join(dir, 'docker-compose.yml'), PROJECT);
    const b = (await api(d, 'GET', '/networks/bridge')).json;
    bridges.push(b.Options['com.docker.network.bridge.name']);
    subnets.push(b.IPAM.Config[0].Subnet.replace(/0\/\d+$/, ''));
  });

  after(async () => {
    await cleanupDaemon(d);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(footprint(d, bridges, subnets, ids), { links: [], rules: [], netns: [] });
  });

  it('up -d, ps, port; the client reaches the web service by name; down -v removes it all', async () => {
    const up = await ok(compose(['up', '-d']));
    assert.equal(up, '');
    const net = (await api(d, 'GET', '/networks/bt_default')).json;
    assert.equal(net.Labels['com.docker.compose.project'], 'bt');
    bridges.push(`br-${net.Id.slice(0, 12)}`);
    subnets.push(net.IPAM.Config[0].Subnet.replace(/0\/\d+$/, ''));
    ids.push(...(await ok(compose(['ps', '-q']))).trim().split('\n'));
    assert.equal(ids.length, 2);

    const port = await ok(compose(['port', 'web', '80']));
    const m = /^0\.0\.0\.0:(\d+)\n$/.exec(port);
    assert.ok(m, port);
    assert.equal(await httpGet(Number(m[1]), '/index.html'), 'hello-compose\n');

    const ps = (await ok(compose(['ps']))).split('\n');
    assert.match(ps[0]!, /^ +Name +Command +State +Ports *$/);
    assert.match(ps[1]!, /^-+$/);
    assert.match(ps[2]!, /^bt_client_1 +sleep 300 +Up *$/);
    assert.match(ps[3]!, new RegExp(`^bt_web_1 +sh -c mkdir -p /www && ech \\.\\.\\. +Up +0\\.0\\.0\\.0:${m[1]}->80/tcp,:::${m[1]}->80/tcp *$`));

    assert.equal(await ok(compose(['exec', '-T', 'client', 'wget', '-q', '-O', '-', 'http://web/index.html'])), 'hello-compose\n');
    assert.equal(await ok(compose(['exec', '-T', 'client', 'wget', '-q', '-O', '-', 'http://bt_web_1/index.html'])), 'hello-compose\n');
    const once = await compose(['run', '--rm', '-T', 'client', 'wget', '-q', '-O', '-', 'http://web/index.html']);
    assert.deepEqual([once.code, once.stdout], [0, 'hello-compose\n'], once.stderr);

    const down = await compose(['down', '-v']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, /Removing network bt_default/);
    assert.match(down.stderr, /Removing volume bt_data/);
    assert.equal(await ok(d.berth(['ps', '-aq'])), '');
    assert.equal((await api(d, 'GET', '/networks/bt_default')).status, 404);
    assert.equal((await api(d, 'GET', '/volumes/bt_data')).status, 404);
  });

  it('a service as dockerd records it: its hostname resolves, HostConfig has every key, no nulls in its health check', async () => {
    const odir = mkdtempSync(join(tmpdir(), 'berth-compose-opts-'));
    try {
      writeFileSync(join(odir, 'docker-compose.yml'), OPTIONS_PROJECT);
      const oc = (args: string[]) => run(COMPOSE, ['-p', 'bto', ...args], { cwd: odir, env: { ...process.env, DOCKER_HOST: d.host }, timeoutMs: 120_000 });
      const up = await oc(['up', '-d', 'app', 'peer']);
      assert.equal(up.code, 0, up.stderr);
      const net = (await api(d, 'GET', '/networks/bto_default')).json;
      bridges.push(`br-${net.Id.slice(0, 12)}`);
      subnets.push(net.IPAM.Config[0].Subnet.replace(/0\/\d+$/, ''));
      const app = (await api(d, 'GET', '/containers/bto_app_1/json')).json;
      ids.push(app.Id, (await api(d, 'GET', '/containers/bto_peer_1/json')).json.Id);
      // dockerd: the hostname is one more name of the container on a user network.
      assert.ok(app.NetworkSettings.Networks.bto_default.Aliases.includes('apphost'), JSON.stringify(app.NetworkSettings.Networks));
      const ping = await oc(['exec', '-T', 'peer', 'ping', '-c1', '-W2', 'apphost']);
      assert.equal(ping.code, 0, ping.stdout + ping.stderr);
      // docker-py sends few HostConfig keys: dockerd answers them all, the restart policy unnamed.
      assert.deepEqual([app.HostConfig.Privileged, app.HostConfig.AutoRemove, app.HostConfig.CapAdd, app.HostConfig.Memory], [false, false, null, 0]);
      assert.deepEqual(app.HostConfig.RestartPolicy, { Name: '', MaximumRetryCount: 0 });
      assert.deepEqual(app.Config.Healthcheck, { Test: ['NONE'] });

      // logs -f ends as the service ends, with compose's exit line (it needs the log's end and
      // the wait to come with the die).
      for (let i = 0; i < 3; i++) {
        const q = await oc(['up', '-d', '--force-recreate', 'quiet']);
        assert.equal(q.code, 0, q.stderr);
        ids.push((await api(d, 'GET', '/containers/bto_quiet_1/json')).json.Id);
        const logs = await oc(['logs', '-f', '--no-color', 'quiet']);
        assert.equal(logs.code, 0, logs.stderr);
        assert.match(logs.stdout, /quiet_1 +\| q2\nbto_quiet_1 exited with code 0\n$/);
      }
      const down = await oc(['down']);
      assert.equal(down.code, 0, down.stderr);
    } finally {
      rmSync(odir, { recursive: true, force: true });
    }
  });

  it('depends_on with condition service_healthy: the dependent starts once the first is healthy', async () => {
    const hdir = mkdtempSync(join(tmpdir(), 'berth-compose-health-'));
    try {
      writeFileSync(join(hdir, 'docker-compose.yml'), HEALTH_PROJECT);
      const hc = (args: string[]) => run(COMPOSE, ['-p', 'bth', ...args], { cwd: hdir, env: { ...process.env, DOCKER_HOST: d.host }, timeoutMs: 120_000 });
      const up = await hc(['up', '-d']);
      assert.equal(up.code, 0, up.stderr);
      const net = (await api(d, 'GET', '/networks/bth_default')).json;
      bridges.push(`br-${net.Id.slice(0, 12)}`);
      subnets.push(net.IPAM.Config[0].Subnet.replace(/0\/\d+$/, ''));
      const db = (await api(d, 'GET', '/containers/bth_db_1/json')).json;
      const app = (await api(d, 'GET', '/containers/bth_app_1/json')).json;
      ids.push(db.Id, app.Id);
      assert.equal(db.State.Health.Status, 'healthy');
      // db becomes healthy 2 s after it starts (its probe waits for /tmp/ready).
      const waited = Date.parse(app.State.StartedAt) - Date.parse(db.State.StartedAt);
      assert.ok(waited >= 2000, `app started ${waited} ms after db, before db was healthy`);
      const ready = db.State.Health.Log.find((l: { ExitCode: number }) => l.ExitCode === 0);
      if (ready) assert.ok(Date.parse(app.State.StartedAt) >= Date.parse(ready.End), 'app started after the first passing probe');
      const down = await hc(['down']);
      assert.equal(down.code, 0, down.stderr);
      assert.equal((await api(d, 'GET', '/networks/bth_default')).status, 404);
    } finally {
      rmSync(hdir, { recursive: true, force: true });
    }
  });
});
