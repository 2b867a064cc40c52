/**
 * The IPv6 side of published ports, as Docker's: `-p 0:80` and `-P` answer on [::1] as well as
 * on 127.0.0.1 (berth-proxy processes), also while berthd is down; UDP too (an echo server
 * the test runs in the container's network namespace); a port some host
 * process holds on [::] fails the start with Docker's message; nothing of the proxies is left
 * after `rm -f`.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import type { TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import { api, footprint } from './network-helpers.js';

const execFileP = promisify(execFile);

/** curl -g on a literal address (IPv6 in brackets), retried while the server starts. */
async function curl(url: string): Promise<string> {
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    try {
      return (await execFileP('curl', ['-sS', '-g', '--max-time', '3', url])).stdout;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}

/** PIDs of berth-proxy processes serving these host ports. */
async function proxiesOf(ports: number[]): Promise<string[]> {
  const out = await execFileP('pgrep', ['-a', '-f', '^/.*berth-proxy ']).then((r) => r.stdout, () => '');
  return out.split('\n').filter((l) => ports.some((p) => l.split(' ')[4] === String(p)));
}

describe('published ports on [::] and ::1', { timeout: 240_000 }, () => {
  let d: TestDaemon;
  const ids: string[] = [];
  const ports: number[] = [];
  let bridge: { name: string; subnet: string };

  before(async () => {
    d = await daemonWithBusybox();
    const tar = join(d.dir, 'rootfs6.tar');
    writeFileSync(tar, busyboxRootfsTar());
    await ok(d.berth(['import', '-c', 'EXPOSE 80', '-c', 'EXPOSE 81/udp', tar, 'bbexpose']));
    const b = (await api(d, 'GET', '/networks/bridge')).json;
    bridge = { name: b.Options['com.docker.network.bridge.name'], subnet: b.IPAM.Config[0].Subnet };
  });

  after(async () => {
    await cleanupDaemon(d);
    assert.deepEqual(await proxiesOf(ports), [], 'no proxy outlives its container');
    assert.deepEqual(footprint(d, [bridge.name], [bridge.subnet.replace(/0\/\d+$/, '')], ids), { links: [], rules: [], netns: [] });
  });

  const hostPort = async (name: string, spec: string) => Number(/:(\d+)\n/.exec(await ok(d.berth(['port', name, spec])))![1]);

  it('-p 0:80 answers on [::1] and 127.0.0.1, also while berthd is down; rm -f ends the proxy', async () => {
    const id = (await ok(d.berth(['run', '-d', '--name', 'six', '-p', '0:80', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']))).trim();
    ids.push(id);
    const port = await hostPort('six', '80');
    ports.push(port);
    assert.equal(await ok(d.berth(['port', 'six'])), `80/tcp -> 0.0.0.0:${port}\n80/tcp -> [::]:${port}\n`);
    assert.equal((await curl(`http://[::1]:${port}/hostname`)).trim(), id.slice(0, 12));
    assert.equal((await curl(`http://127.0.0.1:${port}/hostname`)).trim(), id.slice(0, 12));
    assert.equal((await proxiesOf([port])).length, 2, 'one proxy on 0.0.0.0, one on [::]');

    await d.stop('SIGKILL');
    assert.equal((await curl(`http://[::1]:${port}/hostname`)).trim(), id.slice(0, 12), 'answers while berthd is down');
    await d.restart();
    assert.equal((await curl(`http://[::1]:${port}/hostname`)).trim(), id.slice(0, 12), 'answers after the restart');

    await ok(d.berth(['rm', '-f', 'six']));
    assert.deepEqual(await proxiesOf([port]), []);
    const gone = await execFileP('curl', ['-sS', '-g', '--max-time', '3', `http://[::1]:${port}/`]).then(() => 'answered', () => 'refused');
    assert.equal(gone, 'refused');
  });

  it('-P publishes tcp and udp exposed ports on [::] too', async () => {
    const id = (await ok(d.berth(['run', '-d', '--name', 'sixp', '-P', 'bbexpose', 'httpd', '-f', '-p', '80', '-h', '/etc']))).trim();
    ids.push(id);
    const tcp = await hostPort('sixp', '80/tcp');
    const udp = await hostPort('sixp', '81/udp');
    ports.push(tcp, udp);
    assert.match(await ok(d.berth(['port', 'sixp', '80'])), new RegExp(`^0\\.0\\.0\\.0:${tcp}\\n\\[::\\]:${tcp}\\n$`));
    assert.equal((await curl(`http://[::1]:${tcp}/hostname`)).trim(), id.slice(0, 12));
    // busybox has no UDP server: a UDP echo in the container's network namespace answers.
    const pid = (await ok(d.berth(['inspect', '-f', '{{.State.Pid}}', 'sixp']))).trim();
    const echo = spawn('nsenter', [`--net=/proc/${pid}/ns/net`, process.execPath, '-e',
      "const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send('pong-'+m,r.port,r.address));s.bind(81,()=>console.log('up'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((r) => echo.stdout.once('data', r));
      const c = createSocket({ type: 'udp6' });
      const answer = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no UDP answer through [::1]')), 5000);
        c.on('message', (m) => {
          clearTimeout(t);
          resolve(String(m));
        });
        c.send('udp', udp, '::1');
      });
      c.close();
      assert.equal(answer, 'pong-udp');
    } finally {
      echo.kill();
    }
    assert.equal((await proxiesOf([tcp, udp])).length, 4);
    await ok(d.berth(['rm', '-f', 'sixp']));
    assert.deepEqual(await proxiesOf([tcp, udp]), []);
  });

  it('-p 127.0.0.1::80 listens on 127.0.0.1 only', async () => {
    ids.push((await ok(d.berth(['run', '-d', '--name', 'lo4', '-p', '127.0.0.1::80', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']))).trim());
    const port = await hostPort('lo4', '80');
    ports.push(port);
    assert.equal(await ok(d.berth(['port', 'lo4'])), `80/tcp -> 127.0.0.1:${port}\n`);
    assert.match(await curl(`http://127.0.0.1:${port}/hostname`), /\w/);
    const v6 = await execFileP('curl', ['-sS', '-g', '--max-time', '3', `http://[::1]:${port}/`]).then(() => 'answered', () => 'refused');
    assert.equal(v6, 'refused');
    await ok(d.berth(['rm', '-f', 'lo4']));
  });

  it('a port a host process holds on [::] fails the start with Docker\'s message', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen({ host: '::', port: 0, ipv6Only: true }, () => r()));
    const port = (srv.address() as { port: number }).port;
    try {
      const r = await d.berth(['run', '-d', '--name', 'held', '-p', `${port}:80`, 'busybox', 'httpd', '-f']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /port is already allocated|address already in use/);
      assert.deepEqual(await proxiesOf([port]), []);
    } finally {
      srv.close();
      await d.berth(['rm', '-f', 'held']);
    }
  });
});
