import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nativeBuildDir } from '../util/native.js';
import { parseCommandMessage } from './host.js';

const msg = (...parts: string[]) => Buffer.from(parts.map((p) => `${p}\0`).join(''));

describe('CLI host command message', () => {
  it('parses the directory, arguments (empty ones too) and environment', () => {
    const m = parseCommandMessage(msg('berth-cli/1', '/work dir', '3', 'run', '', 'é', '2', 'A=1=2', 'EMPTY='));
    assert.deepEqual(m, { cwd: '/work dir', argv: ['run', '', 'é'], env: { A: '1=2', EMPTY: '' } });
  });

  it('rejects other protocols and truncated messages', () => {
    assert.throws(() => parseCommandMessage(msg('berth-cli/2', '/', '0', '0')), /not a berth-cli\/1/);
    assert.throws(() => parseCommandMessage(msg('berth-cli/1', '/', '2', 'a')), /truncated|count/);
    assert.throws(() => parseCommandMessage(msg('berth-cli/1', '/', 'x')), /argument count/);
  });
});

function readlinkOr(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

describe('CLI host: one stuck command does not hold up the others', { timeout: 120_000 }, () => {
  const launcher = join(nativeBuildDir, 'berth');
  let dir: string;
  let host: ChildProcess;
  const env = () => ({ ...process.env, BERTH_CLI_DIR: dir, BERTH_CLI_IDLE_SECONDS: '120' });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-host-test-'));
    host = spawn(process.execPath, [fileURLToPath(new URL('./host.js', import.meta.url)), dir], { env: env(), stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    while (!existsSync(join(dir, 'host.pid'))) {
      if (Date.now() > deadline) throw new Error('the CLI host did not start');
      await new Promise((r) => setTimeout(r, 25));
    }
  });
  after(async () => {
    host.kill('SIGTERM');
    if (host.exitCode === null) await new Promise((r) => host.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  /** `berth ARGS` through the host; fails after `ms`. */
  async function berth(args: string[], ms = 20_000): Promise<{ code: number | null; stdout: string; elapsed: number }> {
    const started = Date.now();
    const child = spawn(launcher, args, { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (c) => (stdout += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    clearTimeout(timer);
    return { code, stdout, elapsed: Date.now() - started };
  }

  it('serves a command while another caller is still sending its message, and drops that caller after 2 s', async () => {
    // A caller that announced 256 bytes and sends one every 200 ms. The clock is read before the
    // connection: the host may accept it (and start its 2 s) before this process sees it connected.
    const connectedAt = Date.now();
    const slow = netConnect(join(dir, 'host.sock'));
    let closedAt = 0;
    slow.on('error', () => {});
    slow.on('close', () => (closedAt = Date.now()));
    await new Promise((r) => slow.once('connect', r));
    slow.write(Buffer.from([0, 0, 1, 0]));
    const trickle = setInterval(() => slow.write('x'), 200);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const r = await berth(['--version']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Berth version /);
      // Far from the 20 s kill, far above a slow machine's time: it fails a command that waits
      // for the slow caller (until the host drops it) only when that never happens.
      assert.ok(r.elapsed < 15_000, `the command took ${r.elapsed} ms`);
      // The whole message must come within 2 s, however it trickles.
      const deadline = Date.now() + 15_000;
      while (!closedAt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(closedAt > 0, 'the host still waits for the slow caller');
      assert.ok(closedAt - connectedAt >= 1_900, `dropped after ${closedAt - connectedAt} ms`);
    } finally {
      clearInterval(trickle);
      slow.destroy();
    }
  });

  it('serves a command while another command writes to a terminal whose output is stopped (^S)', async () => {
    // `script` gives the command a terminal. ^S, typed before the command starts, stops the
    // terminal's output, so the command's 100 KB flag error cannot be written until ^Q.
    const flood = `--${'x'.repeat(100_000)}`;
    const stuck = spawn('script', ['-qfec', `read go; exec "${launcher}" ${flood}`, '/dev/null'], { env: env(), stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    stuck.stdout!.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((r) => stuck.once('exit', (c) => r(c)));
    let stuckExited = false;
    void exited.then(() => (stuckExited = true));
    stuck.stdin!.write('\x13go\n');
    try {
      // Wait until the host runs the stuck command (it holds the terminal open) and has tried to write.
      const deadline = Date.now() + 20_000;
      while (!readdirSync(`/proc/${host.pid}/fd`).some((f) => readlinkOr(`/proc/${host.pid}/fd/${f}`).startsWith('/dev/pts/'))) {
        if (Date.now() > deadline) throw new Error('the host did not start the command');
        await new Promise((r) => setTimeout(r, 25));
      }
      await new Promise((r) => setTimeout(r, 300));
      const r = await berth(['--version']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Berth version /);
      assert.equal(stuckExited, false, 'the stuck command was not stuck');
      assert.ok(!out.includes('x'.repeat(100_000)));
    } finally {
      stuck.stdin!.write('\x11');
    }
    assert.equal(await exited, 125);
    assert.ok(out.includes('x'.repeat(100_000)), 'the stuck command wrote all its output once resumed');
  });

  it('keeps no descriptor of a terminal once the command on it has ended', async () => {
    const links = () => readdirSync(`/proc/${host.pid}/fd`).map((f) => readlinkOr(`/proc/${host.pid}/fd/${f}`));
    const onTerminal = async () => {
      const s = spawn('script', ['-qec', `"${launcher}" --version`, '/dev/null'], { env: env(), stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      s.stdout!.on('data', (c) => (out += c));
      assert.equal(await new Promise((r) => s.once('exit', r)), 0);
      assert.match(out, /Berth version /);
    };
    // The host closes a command's connection when it reads the launcher's end, which may come
    // after the launcher has exited: wait (poll) until no terminal and no socket but those the
    // host had before are open, then count the rest.
    const sockets = new Set(links().filter((l) => l.startsWith('socket:')));
    const settled = () => links().every((l) => !l.startsWith('/dev/pts/') && (!l.startsWith('socket:') || sockets.has(l)));
    const others = () => links().filter((l) => !l.startsWith('socket:')).length;
    const until = async (cond: () => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}: ${links().join(' ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await onTerminal();
    await until(settled, 'the first command\'s descriptors are closed');
    const before = others();
    for (let i = 0; i < 3; i++) await onTerminal();
    await until(() => settled() && others() === before, `the host is back to its ${before} descriptors`);
  });

  it('leaves a command that names the caller\'s own descriptors (/dev/fd/N) to a process of its own', async () => {
    // In the host, /dev/fd/3 would be the host's descriptor 3, not the caller's.
    const df = join(dir, 'Dockerfile.check');
    writeFileSync(df, 'FROM busybox\nMAINTAINER me\n');
    const fd = openSync(df, 'r');
    try {
      const child = spawn(launcher, ['build', '--check', '-f', '/dev/fd/3', dir], { env: env(), stdio: ['ignore', 'pipe', 'pipe', fd] });
      let out = '';
      child.stdout!.on('data', (c) => (out += c));
      child.stderr!.on('data', (c) => (out += c));
      assert.equal(await new Promise((r) => child.once('exit', r)), 1);
      assert.match(out, /:2: MaintainerDeprecated: /);
    } finally {
      closeSync(fd);
    }
  });
});
