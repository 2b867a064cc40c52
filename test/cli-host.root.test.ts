/**
 * The berth launcher and its CLI host (native/berth-main.c, src/cli/host.ts): the first command
 * runs in a Node.js process of its own and starts a host; later commands run in the host on the
 * caller's own stdio, directory and environment, with its exit status and signals; a rebuilt CLI
 * retires the host; a socket directory that is not private is never used.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { berthBin, distRoot, run, stopCliHost, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';

const stampPath = join(distRoot, 'native', 'cli-stamp');

async function waitFor(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function hostPid(dir: string): number {
  try {
    return Number(readFileSync(join(dir, 'host.pid'), 'utf8').trim());
  } catch {
    return 0;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the berth launcher and its CLI host', { timeout: 240_000 }, () => {
  let d: TestDaemon;
  let cliDir: string;
  let scratch: string;
  const env = () => ({ BERTH_CLI_DIR: cliDir, BERTH_CLI_IDLE_SECONDS: '60' });
  before(async () => {
    d = await daemonWithBusybox();
    scratch = mkdtempSync(join(tmpdir(), 'berth-cli-host-'));
    cliDir = join(scratch, 'cli');
  });
  after(async () => {
    await stopCliHost(cliDir);
    await cleanupDaemon(d);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs the first command by itself and starts a host that serves the next ones', async () => {
    assert.equal(await ok(d.berth(['version', '--format', '{{.Server.Os}}'], { env: env() })), 'linux\n');
    await waitFor('the host', () => hostPid(cliDir) > 0 && existsSync(join(cliDir, 'host.sock')));
    assert.equal(statSync(cliDir).mode & 0o777, 0o700);
    const pid = hostPid(cliDir);
    assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /berth-cli-host/);
    // A command in the host: the launcher stays the process (comm "berth"), not node.
    const child = spawn(berthBin, ['-H', d.host, 'run', '--rm', 'busybox', 'sleep', '2'], { env: { ...process.env, ...env() }, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim(), 'berth');
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 0);
    assert.equal(hostPid(cliDir), pid, 'the same host served it');
  });

  it('gives the command the caller\'s stdio, status, directory and environment', async () => {
    const r = await d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { env: env() });
    assert.deepEqual([r.code, r.stdout, r.stderr], [3, 'out\n', 'err\n']);
    assert.equal(await ok(d.berth(['run', '--rm', '-i', 'busybox', 'cat'], { env: env(), input: 'from stdin\n' })), 'from stdin\n');
    // Relative paths are the caller's.
    const work = join(scratch, 'work');
    mkdirSync(work);
    writeFileSync(join(work, 'vars'), 'FROM_FILE=1\n');
    assert.equal(
      await ok(d.berth(['run', '--rm', '--env-file', 'vars', '-e', 'FROM_ENV', 'busybox', 'sh', '-c', 'echo $FROM_FILE $FROM_ENV'], { env: { ...env(), FROM_ENV: 'yes' }, cwd: work })),
      '1 yes\n',
    );
    await ok(d.berth(['save', '-o', 'bb.tar', 'busybox'], { env: env(), cwd: work }));
    assert.ok(statSync(join(work, 'bb.tar')).size > 100_000);
    // The daemon from the caller's environment (no -H).
    const viaEnv = spawn(berthBin, ['version', '--format', '{{.Server.Os}}'], { env: { ...process.env, ...env(), BERTH_HOST: d.host }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    viaEnv.stdout!.on('data', (c) => (out += c));
    assert.equal(await new Promise((r) => viaEnv.once('exit', r)), 0);
    assert.equal(out, 'linux\n');
    // DOCKER_HOST as docker reads it, after BERTH_HOST (an empty BERTH_HOST counts as unset).
    for (const vars of [{ DOCKER_HOST: d.host }, { BERTH_HOST: '', DOCKER_HOST: d.host }, { BERTH_HOST: d.host, DOCKER_HOST: 'unix:///nonexistent/docker.sock' }]) {
      const r = await run(berthBin, ['version', '--format', '{{.Server.Os}}'], { env: { ...process.env, ...env(), ...vars } });
      assert.equal(r.code, 0, `${JSON.stringify(vars)}: ${r.stderr}`);
      assert.equal(r.stdout, 'linux\n');
    }
    const wrong = await run(berthBin, ['ps'], { env: { ...process.env, ...env(), DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Cannot connect to the berth daemon at unix:\/\/\/nonexistent\/docker\.sock/);
    // As docker: a server field in --format without a server prints the line's end; the error is the connection's.
    const noServer = await run(berthBin, ['version', '--format', '{{.Server.Os}}'], { env: { ...process.env, ...env(), DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    assert.equal(noServer.code, 1);
    assert.equal(noServer.stdout, '\n');
    assert.match(noServer.stderr, /^Cannot connect to the berth daemon at unix:\/\/\/nonexistent\/docker\.sock\. Is the berth daemon running\?\n$/);
    // Output into a pipe that closes early does not hurt the host.
    const head = spawn('sh', ['-c', `"${berthBin}" -H "${d.host}" run --rm busybox sh -c 'yes | head -c 3000000' | head -c 10 >/dev/null`], { env: { ...process.env, ...env() } });
    await new Promise((r) => head.once('exit', r));
    // As with docker's CLI dying of SIGPIPE, the --rm container finishes and goes by itself.
    const deadline = Date.now() + 20_000;
    while ((await ok(d.berth(['ps', '-aq'], { env: env() }))) !== '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await ok(d.berth(['version', '--format', '{{.Server.Os}}'], { env: env() })), 'linux\n');
    // A follower whose reader went away ends, as a process would die of SIGPIPE.
    await ok(d.berth(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'while :; do echo tick; sleep 0.05; done'], { env: env() }));
    const follow = spawn('sh', ['-c', `"${berthBin}" -H "${d.host}" logs -f ticker | head -n 2`], { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let ticks = '';
    follow.stdout!.on('data', (c) => (ticks += c));
    const t = setTimeout(() => follow.kill('SIGKILL'), 10_000);
    const fcode = await new Promise((r) => follow.once('exit', (c) => r(c)));
    clearTimeout(t);
    assert.equal(fcode, 0);
    assert.equal(ticks, 'tick\ntick\n');
    await ok(d.berth(['rm', '-f', 'ticker'], { env: env() }));
  });

  it('passes signals on: handled ones to the command, others end the launcher as they would a process', async () => {
    await ok(d.berth(['run', '-d', '--name', 'sig', 'busybox', 'sleep', '1000'], { env: env() }));
    // logs -f has no handler: SIGTERM ends it, and the launcher dies of SIGTERM.
    const logs = spawn(berthBin, ['-H', d.host, 'logs', '-f', 'sig'], { env: { ...process.env, ...env() }, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
    logs.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => logs.once('exit', (c, s) => r([c, s])));
    assert.deepEqual([code, signal], [null, 'SIGTERM']);
    // run (without a TTY) proxies SIGTERM to the container: sh's trap prints and exits 42.
    const run = spawn(berthBin, ['-H', d.host, 'run', '--rm', 'busybox', 'sh', '-c', 'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done'], {
      env: { ...process.env, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    run.stdout!.on('data', (c) => (out += c));
    await waitFor('ready', () => out.includes('ready'));
    run.kill('SIGTERM');
    const status = await new Promise((r) => run.once('exit', (c) => r(c)));
    assert.equal(status, 42);
    assert.match(out, /got-term/);
    await ok(d.berth(['rm', '-f', 'sig'], { env: env() }));
    assert.equal(await ok(d.berth(['ps', '-aq'], { env: env() })), '');
  });

  it('run the plain way, an --env-file is berth\'s option, not one Node.js reads itself', async () => {
    const missing = join(scratch, 'no-such-env.list');
    const r = await d.berth(['run', '--rm', '--network', 'none', '--env-file', missing, 'busybox', 'true'], { env: { ...env(), BERTH_CLI_HOST: '0' } });
    assert.equal(r.stderr, `open ${missing}: no such file or directory\n`);
    assert.equal(r.code, 125);
  });

  it('retires when the CLI is rebuilt, running the command the plain way meanwhile', async () => {
    const old = hostPid(cliDir);
    assert.ok(old > 0 && alive(old));
    const stamp = readFileSync(stampPath, 'utf8');
    writeFileSync(stampPath, `${stamp.trim()}-rebuilt\n`);
    try {
      assert.equal(await ok(d.berth(['version', '--format', '{{.Server.Os}}'], { env: env() })), 'linux\n');
      await waitFor('the old host to exit', () => !alive(old));
      await waitFor('a new host', () => hostPid(cliDir) > 0 && hostPid(cliDir) !== old && existsSync(join(cliDir, 'host.sock')));
    } finally {
      writeFileSync(stampPath, stamp);
    }
    // The host started meanwhile read the "-rebuilt" stamp, so it is stale now in its turn: let it
    // retire and a current one take its place, so that the next test starts from a current host.
    const rebuilt = hostPid(cliDir);
    assert.equal(await ok(d.berth(['version', '--format', '{{.Server.Os}}'], { env: env() })), 'linux\n');
    await waitFor('the rebuilt host to exit', () => !alive(rebuilt));
    await waitFor('a current host', () => hostPid(cliDir) > 0 && hostPid(cliDir) !== rebuilt && existsSync(join(cliDir, 'host.sock')));
  });

  it('creates files with the caller\'s umask: a caller whose umask differs from the host\'s runs by itself', async () => {
    await waitFor('the host', () => hostPid(cliDir) > 0 && existsSync(join(cliDir, 'host.sock')));
    const hostMask = Number.parseInt(/^Umask:\s*([0-7]+)$/m.exec(readFileSync(`/proc/${hostPid(cliDir)}/status`, 'utf8'))![1]!, 8);
    const other = hostMask === 0o077 ? 0o022 : 0o077;
    const inShell = (mask: number, args: string[]) => spawn('sh', ['-c', `umask ${mask.toString(8)}; exec "$@"`, 'sh', berthBin, '-H', d.host, ...args], {
      env: { ...process.env, ...env() }, stdio: 'ignore',
    });
    const exited = (c: ReturnType<typeof spawn>) => new Promise((r) => c.once('exit', r));
    for (const mask of [hostMask, other]) {
      const out = join(scratch, `save-${mask.toString(8)}.tar`);
      assert.equal(await exited(inShell(mask, ['save', '-o', out, 'busybox'])), 0);
      assert.equal(statSync(out).mode & 0o777, 0o666 & ~mask, `save -o under umask ${mask.toString(8)}`);
      // Where it ran: the launcher stays "berth" in the host, and becomes node when it runs by itself.
      const child = inShell(mask, ['run', '--rm', 'busybox', 'sleep', '1']);
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim(), mask === hostMask ? 'berth' : 'node');
      assert.equal(await exited(child), 0);
    }
  });

  it('keeps one host per installation: a launcher never hands its command to another installation\'s host', async () => {
    // A second installation: a copy of the compiled tree elsewhere. In a mount namespace of its
    // own with a fresh /run, so the user's /run/berth-cli is never touched.
    const other = join(scratch, 'other');
    mkdirSync(join(other, 'dist'), { recursive: true });
    for (const part of ['native', 'src']) cpSync(join(distRoot, part), join(other, 'dist', part), { recursive: true });
    cpSync(join(distRoot, '..', 'package.json'), join(other, 'package.json'));
    const script = [
      'mount -t tmpfs tmpfs /run',
      'for b in "$1" "$2" "$1" "$2"; do "$b" --version >/dev/null || exit 1; sleep 0.7; done',
      'for p in /run/berth-cli/*/host.pid; do pid=$(cat "$p"); echo "$(dirname "$p") $(grep -o "/[^ ]*/dist/native/berth_native.node" /proc/$pid/maps | head -1)"; kill "$pid"; done',
    ].join('\n');
    const env = { ...process.env };
    delete env.BERTH_CLI_DIR;
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', berthBin, join(other, 'dist', 'native', 'berth')], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const hosts = r.stdout.trim().split('\n').map((l) => l.split(' '));
    assert.equal(hosts.length, 2, r.stdout);
    for (const [dir] of hosts) assert.match(dir!, /^\/run\/berth-cli\/[0-9a-f]{16}$/);
    assert.deepEqual(hosts.map(([, lib]) => lib).sort(), [join(distRoot, 'native', 'berth_native.node'), join(other, 'dist', 'native', 'berth_native.node')].sort());
  });

  it('declines a caller whose TZ differs, and never uses a socket directory others can enter', async () => {
    assert.equal(await ok(d.berth(['version', '--format', '{{.Server.Os}}'], { env: { ...env(), TZ: 'Asia/Tokyo' } })), 'linux\n');
    const open = join(scratch, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    assert.equal(await ok(d.berth(['version', '--format', '{{.Server.Os}}'], { env: { BERTH_CLI_DIR: open } })), 'linux\n');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(existsSync(join(open, 'host.sock')), false);
    assert.equal(existsSync(join(open, 'host.pid')), false);
  });
});
