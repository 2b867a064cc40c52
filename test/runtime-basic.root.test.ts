/**
 * The runtime library driven directly (no daemon): processes under runc and berth-shim with
 * pipes and with a TTY, stdin, the json-file log, exit statuses, kill, exec, pause, users,
 * limits, and the isolation Docker gives (and `privileged` lifts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readLogs } from '../src/runtime/logs/json-file.js';
import { RuncRuntime } from '../src/runtime/runc-runtime.js';
import { makeBusyboxLayers } from '../src/runtime/testing/busybox-layer.js';
import { collect } from '../src/runtime/testing/contract-suite.js';
import type { HostSettings, LayerStack, ProcessConfig } from '../src/runtime/types.js';

const root = mkdtempSync(join(tmpdir(), 'berth-rt-'));
let layers: LayerStack;
let rt: RuncRuntime;
const created: { id: string; dir: string }[] = [];

before(() => {
  layers = makeBusyboxLayers(root);
  rt = new RuncRuntime({ runcRoot: join(root, 'run', 'runc'), shimRoot: join(root, 'run', 'shim'), cgroupParent: '/berth-test' });
});
after(async () => {
  for (const c of created) {
    await rt.kill(c.id, 9, { all: true }).catch(() => {});
    await rt.cleanup(c.id, c.dir).catch(() => {});
  }
  rmSync(root, { recursive: true, force: true });
});

function newId(): string {
  return randomBytes(32).toString('hex');
}

async function createContainer(proc: Partial<ProcessConfig> & { args: string[] }, host: Partial<HostSettings> = {}) {
  const id = newId();
  const dir = join(root, 'containers', id);
  created.push({ id, dir });
  const p = await rt.create({
    id,
    dir,
    layers,
    process: { env: null, cwd: '', user: '', tty: false, openStdin: false, ...proc },
    host: { hostname: id.slice(0, 12), network: { mode: 'none' }, ...host },
  });
  return { id, dir, pid: p.pid, env: p.env };
}

/** create + attach + start + wait: what `docker run` does. */
async function runIt(proc: Partial<ProcessConfig> & { args: string[] }, host: Partial<HostSettings> = {}) {
  const c = await createContainer(proc, host);
  const conn = await rt.attach(c.id, { stdout: true, stderr: true });
  await rt.start(c.id);
  const out = await collect(conn);
  const status = await rt.exitStatus(c.dir);
  await rt.cleanup(c.id, c.dir);
  return { ...out, status, ...c };
}

describe('runtime: processes under runc and the shim', { timeout: 60_000 }, () => {
  it('runs a command with separate stdout and stderr, logs them, records the exit', async () => {
    const r = await runIt({ args: ['sh', '-c', 'echo hi; echo oops >&2; exit 3'] });
    assert.equal(r.stdout, 'hi\n');
    assert.equal(r.stderr, 'oops\n');
    assert.equal(r.exit, 3);
    assert.equal(r.status!.exitCode, 3);
    assert.match(r.status!.finishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const recs = [];
    for await (const rec of readLogs(join(r.dir, `${r.id}-json.log`))) recs.push([rec.stream, rec.log.toString()]);
    assert.deepEqual(recs, [['stdout', 'hi\n'], ['stderr', 'oops\n']]);
    assert.ok(!existsSync(join(r.dir, 'rootfs', 'bin')), 'root unmounted after cleanup');
  });

  it('reports a missing executable as runc does', async () => {
    await assert.rejects(createContainer({ args: ['nosuch'] }), (e: Error) => {
      assert.match(e.message, /exec: "nosuch": executable file not found in \$PATH/);
      return true;
    });
  });

  it('gives the process Docker\'s environment, hostname and /etc files', async () => {
    const r = await runIt({ args: ['sh', '-c', 'echo "$PATH|$HOSTNAME|$HOME|$TERM"; hostname; cat /etc/hostname; head -1 /etc/hosts; pwd'], cwd: '/tmp' });
    const [env, hn, hnFile, hosts, pwd] = r.stdout.trim().split('\n');
    assert.equal(env, `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|${r.id.slice(0, 12)}|/root|`);
    assert.equal(hn, r.id.slice(0, 12));
    assert.equal(hnFile, r.id.slice(0, 12));
    assert.equal(hosts, '127.0.0.1\tlocalhost');
    assert.equal(pwd, '/tmp');
  });

  it('resolves users from the image', async () => {
    const r = await runIt({ args: ['sh', '-c', 'id; echo $HOME'], user: 'user' });
    assert.equal(r.stdout, 'uid=1000(user) gid=1000(user) groups=1000(user)\n/home/user\n');
    const r2 = await runIt({ args: ['id'], user: '4242:42' });
    assert.equal(r2.stdout, 'uid=4242 gid=42 groups=42\n');
    await assert.rejects(createContainer({ args: ['id'], user: 'nosuch' }), /unable to find user nosuch: no matching entries in passwd file/);
  });

  it('passes stdin through and closes it on request', async () => {
    const c = await createContainer({ args: ['sh', '-c', 'cat; echo done'], openStdin: true });
    const conn = await rt.attach(c.id, { stdin: true, stdout: true, stderr: true });
    await rt.start(c.id);
    conn.write(Buffer.from('line one\n'));
    conn.write(Buffer.from('line two\n'));
    conn.closeStdin();
    const r = await collect(conn);
    assert.equal(r.stdout, 'line one\nline two\ndone\n');
    assert.equal(r.exit, 0);
    await rt.cleanup(c.id, c.dir);
  });

  it('gives a TTY its own pts with the requested size, and follows resizes', async () => {
    const c = await createContainer({ args: ['sh', '-c', 'tty; stty size; read x; stty size; echo "[$TERM]"; exit 7'], tty: true, openStdin: true, consoleSize: { height: 40, width: 100 } });
    const conn = await rt.attach(c.id, { stdin: true, stdout: true, stderr: true });
    await rt.start(c.id);
    let out = '';
    const done = (async () => {
      for await (const f of conn.output) {
        assert.equal(f.stream, 1);
        out += f.data.toString();
        if (out.includes('40 100\r\n') && !out.includes('sent')) {
          out += 'sent';
          conn.resize(25, 81);
          conn.write(Buffer.from('\n'));
        }
      }
    })();
    await done;
    const exit = await conn.exit;
    assert.equal(exit, 7);
    assert.match(out, /^\/dev\/pts\/0\r\n40 100\r\n/);
    assert.match(out, /25 81\r\n\[xterm\]\r\n$/);
    await rt.cleanup(c.id, c.dir);
  });

  it('kills, and serves several attach clients', async () => {
    const c = await createContainer({ args: ['sh', '-c', 'echo started; sleep 1000'] });
    const a = await rt.attach(c.id, { stdout: true });
    const b = await rt.attach(c.id, { stdout: true, stderr: true });
    const monitor = await rt.attach(c.id, {});
    await rt.start(c.id);
    const first = await new Promise<string>((res) => a.output.once('data', (f: { data: Buffer }) => res(f.data.toString())));
    assert.equal(first, 'started\n');
    assert.equal(await rt.state(c.id), 'running');
    await rt.kill(c.id, 9);
    const [ra, rb, rm] = await Promise.all([collect(a), collect(b), collect(monitor)]);
    assert.equal(ra.exit, 137);
    assert.equal(rb.stdout, 'started\n');
    assert.equal(rm.stdout, '');
    assert.equal(rm.exit, 137);
    assert.equal((await rt.exitStatus(c.dir))!.signal, 9);
    await assert.rejects(rt.attach(c.id, {}), /not running/);
    await rt.cleanup(c.id, c.dir);
  });

  it('runs execs with and without a TTY, and pauses', async () => {
    const c = await createContainer({ args: ['sleep', '1000'] }, { resources: { memory: 64 << 20, pidsLimit: 100, nanoCpus: 5e8 } });
    const monitor = await rt.attach(c.id, {});
    await rt.start(c.id);
    const e1 = await rt.exec({ containerId: c.id, containerDir: c.dir, execId: newId(), args: ['sh', '-c', 'echo $HOME $X; id -u; ls /'], env: ['X=1'], user: 'user', tty: false, openStdin: false, attach: true });
    await new Promise((r) => setTimeout(r, 100)); // the exec has ended by now; its output is held
    const r1 = await collect(await e1.attach({ stdout: true, stderr: true }));
    assert.equal(r1.exit, 0);
    assert.match(r1.stdout, /^\/home\/user 1\n1000\nbin\n/);
    const st = await waitStatus(e1);
    assert.equal(st.exitCode, 0);
    const e2 = await rt.exec({ containerId: c.id, containerDir: c.dir, execId: newId(), args: ['sh', '-c', 'read x; tty; echo "got $x"; exit 4'], tty: true, openStdin: true, consoleSize: { height: 10, width: 20 }, attach: true });
    const conn2 = await e2.attach({ stdin: true, stdout: true });
    conn2.write(Buffer.from('abc\r'));
    const r2 = await collect(conn2);
    assert.equal(r2.exit, 4);
    assert.match(r2.stdout, /^abc\r\n\/dev\/pts\/0\r\ngot abc\r\n$/);
    await e1.remove();
    await e2.remove();
    // cgroup limits through runc (cgroup v1)
    assert.equal(readFileSync(`/sys/fs/cgroup/memory/berth-test/${c.id}/memory.limit_in_bytes`, 'utf8').trim(), String(64 << 20));
    assert.equal(readFileSync(`/sys/fs/cgroup/pids/berth-test/${c.id}/pids.max`, 'utf8').trim(), '100');
    assert.equal(readFileSync(`/sys/fs/cgroup/cpu/berth-test/${c.id}/cpu.cfs_quota_us`, 'utf8').trim(), '50000');
    await rt.pause(c.id);
    assert.equal(await rt.state(c.id), 'paused');
    await rt.resume(c.id);
    assert.equal((await rt.pids(c.id)).length, 1);
    await rt.kill(c.id, 9);
    assert.equal((await collect(monitor)).exit, 137);
    await rt.cleanup(c.id, c.dir);
  });

  it('isolates the container; privileged lifts it', async () => {
    const script = 'ps -o pid | wc -l; echo 1 > /proc/sys/kernel/ns_last_pid 2>/dev/null && echo sysw || echo sysro; rmmod nosuchmodule 2>&1; grep CapEff /proc/self/status';
    const r = await runIt({ args: ['sh', '-c', script] });
    const lines = r.stdout.trim().split('\n');
    assert.ok(Number(lines[0]) <= 5, `sees only its own processes: ${lines[0]}`);
    assert.equal(lines[1], 'sysro');
    // No CAP_SYS_MODULE (bit 16): module calls fail (EPERM; ENOSYS on kernels without modules).
    assert.match(lines[2]!, /Operation not permitted|Function not implemented/);
    assert.equal(lines[3], 'CapEff:\t00000000a80425fb');
    assert.equal(BigInt('0x' + lines[3]!.split('\t')[1]) & (1n << 16n), 0n);
    const p = await runIt({ args: ['sh', '-c', script] }, { privileged: true });
    const pl = p.stdout.trim().split('\n');
    assert.equal(pl[1], 'sysw');
    assert.doesNotMatch(pl[2]!, /Operation not permitted/);
    const hostBnd = /CapBnd:\t(\w+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1];
    assert.equal(pl[3], `CapEff:\t${hostBnd}`);
    assert.notEqual(BigInt('0x' + pl[3]!.split('\t')[1]) & (1n << 16n), 0n);
  });

  it('loopback is up in a none network; host network shares the host\'s', async () => {
    const r = await runIt({ args: ['sh', '-c', 'ip -o link | wc -l; ip -o addr show lo | grep -c 127.0.0.1'] });
    assert.deepEqual(r.stdout.trim().split('\n'), ['1', '1']);
    const h = await runIt({ args: ['sh', '-c', 'ip -o link | wc -l'] }, { network: { mode: 'host' } });
    assert.ok(Number(h.stdout.trim()) >= 1);
  });
});

async function waitStatus(e: { status(): Promise<unknown> }): Promise<{ exitCode: number }> {
  for (let i = 0; i < 100; i++) {
    const s = (await e.status()) as { exitCode: number } | undefined;
    if (s) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('exec did not end');
}
