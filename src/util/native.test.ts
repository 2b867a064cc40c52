import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { native, nativeBuildDir } from './native.js';

const fdOf = (s: Socket) => (s as unknown as { _handle: { fd: number } })._handle.fd;

/** The state letter of a process (R, S, T…), from /proc/PID/stat. */
function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** Polls until `cond` holds; fails after 10 s. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('native recvCommand', () => {
  let dir: string;
  let server: Server;
  let sock: string;
  const accepted: Socket[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-native-test-'));
    sock = join(dir, 'host.sock');
    server = createServer({ pauseOnConnect: true }, (c) => accepted.push(c));
    await new Promise<void>((r) => server.listen(sock, r));
  });
  after(() => {
    for (const c of accepted) c.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The server side of the next connection. */
  async function nextConnection(): Promise<Socket> {
    const n = accepted.length;
    await until(() => accepted.length > n, 'a connection comes');
    return accepted[n]!;
  }

  it('reads a message sent in pieces while the event loop keeps running', async () => {
    const client = connect(sock);
    const conn = await nextConnection();
    client.write(Buffer.from([0, 0, 0, 5]));
    client.write('hel');
    // The rest comes only once the event loop has run five times: a read that blocked the loop
    // would never get it (and time out), however slow the machine.
    let ticks = 0;
    const ticker = setInterval(() => {
      if (++ticks === 5) client.write('lo');
    }, 10);
    const got = await native().recvCommand(fdOf(conn), 30_000);
    clearInterval(ticker);
    client.destroy();
    assert.deepEqual(got, { fds: [], data: Buffer.from('hello') });
    assert.ok(ticks >= 5, `the event loop ran ${ticks} times while waiting`);
  });

  it('reads a message that has all arrived, and the one after it on the same connection', async () => {
    const client = connect(sock);
    const conn = await nextConnection();
    const frame = (t: string) => Buffer.concat([Buffer.from([0, 0, 0, Buffer.byteLength(t)]), Buffer.from(t)]);
    await new Promise<void>((r) => client.write(Buffer.concat([frame('first'), frame('second!')]), () => r()));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await native().recvCommand(fdOf(conn), 5_000), { fds: [], data: Buffer.from('first') });
    assert.deepEqual(await native().recvCommand(fdOf(conn), 5_000), { fds: [], data: Buffer.from('second!') });
    client.destroy();
  });

  it('fails with EPROTO when the peer goes away in the middle of the message', async () => {
    const client = connect(sock);
    const conn = await nextConnection();
    client.end(Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.from('abc')]));
    await assert.rejects(native().recvCommand(fdOf(conn), 5_000), { code: 'EPROTO' });
  });

  it('fails with ETIMEDOUT when the message stops coming, and keeps none of the descriptors sent with it', async () => {
    // The berth launcher sends its stdio with a message bigger than the socket buffer (a large
    // environment); stopped while it sends, it never finishes.
    const big: NodeJS.ProcessEnv = { BERTH_CLI_DIR: dir };
    for (let i = 0; i < 8; i++) big[`FILL${i}`] = 'y'.repeat(100_000);
    const before = readdirSync('/proc/self/fd').length;
    const launcher = spawn(join(nativeBuildDir, 'berth'), ['version'], { env: big, stdio: 'ignore' });
    try {
      const conn = await nextConnection();
      // Stopped only once it sleeps in sendmsg: the socket buffer is full, the descriptors are in it.
      await until(() => processState(launcher.pid!) === 'S', 'the launcher blocks in sendmsg');
      launcher.kill('SIGSTOP');
      const started = Date.now();
      await assert.rejects(native().recvCommand(fdOf(conn), 500), { code: 'ETIMEDOUT' });
      // A bound far above the timeout: it fails a read that hangs, not a slow machine.
      assert.ok(Date.now() - started < 15_000, `timed out after ${Date.now() - started} ms`);
      conn.destroy();
    } finally {
      launcher.kill('SIGKILL');
    }
    await until(() => readdirSync('/proc/self/fd').length <= before, 'the descriptors are closed');
    assert.equal(readdirSync('/proc/self/fd').length, before);
  });
});

describe('native flushFd and batchHelperThreads', () => {
  it('syncfs of a directory and writeback of a file resolve; a closed descriptor rejects with EBADF', async () => {
    const d = mkdtempSync(join(tmpdir(), 'berth-flush-'));
    try {
      const file = join(d, 'f');
      writeFileSync(file, Buffer.alloc(1 << 20, 1));
      const fd = openSync(file, 'r+');
      try {
        await native().flushFd(fd, false);
      } finally {
        closeSync(fd);
      }
      const dfd = openSync(d, 'r');
      try {
        await native().flushFd(dfd, true);
      } finally {
        closeSync(dfd);
      }
      await assert.rejects(native().flushFd(fd, true), { code: 'EBADF' });
      assert.equal(readFileSync(file).length, 1 << 20);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('puts every thread but the caller under SCHED_BATCH; processes the caller starts keep SCHED_OTHER', () => {
    // In a process of its own: the test runner's threads stay as they are.
    const script = `
      const { readdirSync, readFileSync } = require('node:fs');
      const { execFileSync } = require('node:child_process');
      const { native } = await import(${JSON.stringify(new URL('./native.js', import.meta.url).href)});
      await require('node:fs').promises.stat('/');
      const policy = (t) => Number(readFileSync('/proc/self/task/' + t + '/stat', 'utf8').split(') ')[1].split(' ')[38]);
      const changed = native().batchHelperThreads();
      const tasks = readdirSync('/proc/self/task').map(Number);
      const child = execFileSync('sh', ['-c', 'cut -d" " -f41 /proc/$$/stat']).toString().trim();
      console.log(JSON.stringify({ changed, main: policy(process.pid), others: tasks.filter((t) => t !== process.pid).map(policy), child: Number(child) }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', `const require = (await import('node:module')).createRequire(import.meta.url);${script}`]).toString());
    const SCHED_OTHER = 0;
    const SCHED_BATCH = 3;
    assert.ok(out.changed >= 4, `${out.changed} threads changed (libuv's pool has 4)`);
    assert.equal(out.main, SCHED_OTHER);
    assert.ok(out.others.length >= 4 && out.others.every((p: number) => p === SCHED_BATCH), JSON.stringify(out.others));
    assert.equal(out.child, SCHED_OTHER);
  });
});
