/**
 * The run/create options end to end, through a real berthd, with the berth CLI and the docker
 * CLI: each option's effect seen from inside the container (rlimits, /proc/sys values, device
 * nodes and their cgroup rules, /dev/shm, cgroup files, groups, the domain name, the OOM score,
 * namespaces shared with another container or the host), the errors docker gives, the cidfile,
 * signals forwarded by an attached run, annotations by API version, and `cp -a`/`cp -L`.
 * Several options share one container run to keep this fast.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, chownSync, rmdirSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { berthBin, hasDocker, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';

const hasFuse = existsSync('/dev/fuse');

/** The Engine API on the test daemon's socket (`path` as given: versioned or not). */
function api(socket: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({ socketPath: socket, method, path, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Lines of `KEY=VALUE` printed by a container, as a map. */
function keyed(out: string): Record<string, string> {
  return Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('run/create options', { timeout: 600_000 }, () => {
  let d: TestDaemon;
  let scratch: string;
  const parent = `berth-runopts-${process.pid}`;
  before(async () => {
    d = await daemonWithBusybox();
    scratch = mkdtempSync(join(tmpdir(), 'berth-runopts-'));
  });
  after(async () => {
    await cleanupDaemon(d);
    rmSync(scratch, { recursive: true, force: true });
    // The --cgroup-parent directories runc made (empty once the containers are gone).
    for (const root of ['/sys/fs/cgroup', ...readdirSync('/sys/fs/cgroup').map((c) => `/sys/fs/cgroup/${c}`)]) {
      for (const p of [`${root}/${parent}/sub`, `${root}/${parent}`]) {
        try {
          rmdirSync(p);
        } catch {
          /* not made in this hierarchy */
        }
      }
    }
  });

  it('applies limits, sysctls, devices, groups, /dev/shm, the domain name and the OOM score (berth CLI)', async () => {
    const script = [
      'echo nofile=$(ulimit -n):$(ulimit -Hn)', 'echo nproc=$(ulimit -u)', 'echo shmmax=$(cat /proc/sys/kernel/shmmax)',
      'echo syncookies=$(cat /proc/sys/net/ipv4/tcp_syncookies)', 'echo shm=$(df -k /dev/shm | tail -1 | awk \'{print $2}\')',
      'echo groups=$(id -G)', 'echo domain=$(cat /proc/sys/kernel/domainname)', 'echo oom=$(cat /proc/1/oom_score_adj)',
      'echo oomctl=$(head -1 /sys/fs/cgroup/memory/memory.oom_control)', 'echo mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)',
      'echo soft=$(cat /sys/fs/cgroup/memory/memory.soft_limit_in_bytes)', 'echo memsw=$(cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes 2>/dev/null)', 'echo shares=$(cat /sys/fs/cgroup/cpu/cpu.shares)',
      'echo period=$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)', 'echo quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)',
      'echo cpus=$(cat /sys/fs/cgroup/cpuset/cpuset.cpus)', 'echo pids=$(cat /sys/fs/cgroup/pids/pids.max)',
      'echo cgroup=$(grep memory /proc/self/cgroup | cut -d: -f3)',
      'echo dev=$(ls -l /dev/f 2>/dev/null | awk \'{print $1 $5 $6}\')', 'echo rules=$(grep "c 10:229" /sys/fs/cgroup/devices/devices.list)',
    ].join('; ');
    const r = await d.berth([
      'run', '--name', 'limits', '--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=77', '--sysctl', 'kernel.shmmax=1000000',
      '--sysctl', 'net.ipv4.tcp_syncookies=0', '--shm-size', '8m', '--group-add', '44', '--group-add', '45', '--domainname', 'example.com',
      '--oom-score-adj', '123', '-m', '32m', '--memory-swap', '64m', '--memory-reservation', '16m', '--oom-kill-disable',
      '--cpu-shares', '512', '--cpuset-cpus', '0', '--cpu-period', '50000', '--cpu-quota', '25000', '--pids-limit', '50',
      '--blkio-weight', '300', '--cgroup-parent', `${parent}/sub`, '--isolation', 'default', '--expose', '7000-7001', '--stop-timeout', '3',
      ...(hasFuse ? ['--device', '/dev/fuse:/dev/f:rm'] : []), 'busybox', 'sh', '-c', script,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const v = keyed(r.stdout);
    assert.equal(v.nofile, '1024:2048');
    assert.equal(v.nproc, '77');
    assert.equal(v.shmmax, '1000000');
    assert.equal(v.syncookies, '0');
    assert.equal(v.shm, '8192');
    assert.equal(v.groups, '0 44 45');
    assert.equal(v.domain, 'example.com');
    assert.equal(v.oom, '123');
    assert.equal(v.oomctl, 'oom_kill_disable 1');
    assert.equal(v.mem, String(32 << 20));
    assert.equal(v.soft, String(16 << 20));
    if (existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes')) assert.equal(v.memsw, String(64 << 20));
    assert.equal(v.shares, '512');
    assert.equal(v.period, '50000');
    assert.equal(v.quota, '25000');
    assert.equal(v.cpus, '0');
    assert.equal(v.pids, '50');
    assert.match(v.cgroup!, new RegExp(`^/${parent}/sub/[0-9a-f]{64}$`));
    if (hasFuse) {
      assert.equal(v.dev, 'crw-------10,229');
      assert.equal(v.rules, 'c 10:229 rm');
    }
    // This kernel weighs no block I/O: dockerd's warning, and the weight discarded.
    const blkio = existsSync('/sys/fs/cgroup/blkio/blkio.weight') || existsSync('/sys/fs/cgroup/blkio/blkio.bfq.weight');
    if (!blkio) assert.match(r.stderr, /WARNING: Your kernel does not support Block I\/O weight or the cgroup is not mounted\. Weight discarded\./);
    const h = JSON.parse(await ok(d.berth(['inspect', '-f', '{{json .HostConfig}}', 'limits']))) as Record<string, unknown>;
    assert.deepEqual(h.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'nproc', Soft: 77, Hard: 77 }]);
    assert.deepEqual(h.Sysctls, { 'kernel.shmmax': '1000000', 'net.ipv4.tcp_syncookies': '0' });
    assert.equal(h.ShmSize, 8 << 20);
    assert.deepEqual(h.GroupAdd, ['44', '45']);
    assert.equal(h.OomScoreAdj, 123);
    assert.equal(h.OomKillDisable, true);
    assert.equal(h.MemorySwap, 64 << 20);
    assert.equal(h.MemoryReservation, 16 << 20);
    assert.equal(h.CpuShares, 512);
    assert.equal(h.CpusetCpus, '0');
    assert.equal(h.CgroupParent, `${parent}/sub`);
    assert.equal(h.BlkioWeight, blkio ? 300 : 0);
    assert.equal(h.Isolation, 'default');
    assert.equal(h.IpcMode, 'private');
    assert.equal(h.CgroupnsMode, 'host');
    const c = JSON.parse(await ok(d.berth(['inspect', '-f', '{{json .Config}}', 'limits']))) as Record<string, unknown>;
    assert.equal(c.Domainname, 'example.com');
    assert.equal(c.StopTimeout, 3);
    assert.deepEqual(c.ExposedPorts, { '7000/tcp': {}, '7001/tcp': {} });
    await ok(d.berth(['rm', 'limits']));
  });

  it('shares namespaces: --ipc shareable/container:, --pid container:|host, --uts host, --ipc none|host, --cgroupns private', async () => {
    await ok(d.berth(['run', '-d', '--name', 'donor', '--ipc', 'shareable', '--shm-size', '4m', 'busybox', 'sh', '-c', 'echo shared > /dev/shm/m; touch /tmp/ready; exec sleep 300']));
    await ok(d.berth(['run', '-d', '--name', 'private', 'busybox', 'sleep', '300']));
    const donorPid = Number((await ok(d.berth(['inspect', '-f', '{{.State.Pid}}', 'donor']))).trim());
    for (let i = 0; i < 100 && (await d.berth(['exec', 'donor', 'test', '-e', '/tmp/ready'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    const joined = keyed(await ok(d.berth([
      'run', '--rm', '--ipc', 'container:donor', '--pid', 'container:donor', 'busybox', 'sh', '-c',
      'echo m=$(cat /dev/shm/m); echo shm=$(df -k /dev/shm | tail -1 | awk \'{print $2}\'); echo ipc=$(readlink /proc/self/ns/ipc); echo pid=$(readlink /proc/self/ns/pid); echo one=$(cat /proc/1/cmdline | tr "\\0" " ")',
    ])));
    assert.equal(joined.m, 'shared');
    assert.equal(joined.shm, '4096');
    assert.equal(joined.ipc, readlinkSync(`/proc/${donorPid}/ns/ipc`));
    assert.equal(joined.pid, readlinkSync(`/proc/${donorPid}/ns/pid`));
    assert.equal(joined.one, 'sleep 300');
    const host = keyed(await ok(d.berth([
      'run', '--rm', '--pid', 'host', '--uts', 'host', '--ipc', 'host', '--cgroupns', 'private', 'busybox', 'sh', '-c',
      'echo pid=$(readlink /proc/self/ns/pid); echo uts=$(readlink /proc/self/ns/uts); echo host=$(hostname); echo ipc=$(readlink /proc/self/ns/ipc); echo cg=$(grep memory /proc/self/cgroup | cut -d: -f3)',
    ])));
    assert.equal(host.pid, readlinkSync('/proc/self/ns/pid'));
    assert.equal(host.uts, readlinkSync('/proc/self/ns/uts'));
    assert.equal(host.host, hostname());
    assert.equal(host.ipc, readlinkSync('/proc/self/ns/ipc'));
    assert.equal(host.cg, '/');
    const none = await ok(d.berth(['run', '--rm', '--ipc', 'none', 'busybox', 'sh', '-c', 'test -e /dev/shm && echo has-shm; grep -c " /dev/shm " /proc/mounts; true']));
    assert.equal(none.trim(), '0');
    const own = keyed(await ok(d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo cg=$(grep memory /proc/self/cgroup | cut -d: -f3)'])));
    assert.match(own.cg!, /^\/berth\/[0-9a-f]{64}$/, 'the host cgroup namespace by default (dockerd 20.10 on cgroup v1)');
    const priv = await d.berth(['run', '--rm', '--ipc', 'container:private', 'busybox', 'true']);
    assert.equal(priv.code, 125);
    assert.match(priv.stderr, /^berth: Error response from daemon: can't join IPC of container [0-9a-f]{64}: non-shareable IPC \(hint: use IpcMode:shareable for the donor container\)\n/);
    await ok(d.berth(['create', '--name', 'stopped', 'busybox', 'true']));
    const stopped = await d.berth(['run', '--rm', '--pid', 'container:stopped', 'busybox', 'true']);
    assert.equal(stopped.code, 125);
    assert.match(stopped.stderr, /Error response from daemon: container [0-9a-f]{64} is not running/);
    const missing = await d.berth(['create', '--ipc', 'container:nope', 'busybox', 'true']);
    assert.match(missing.stderr, /Error response from daemon: No such container: nope/);
    await ok(d.berth(['rm', '-f', 'donor', 'private', 'stopped']));
  });

  it('runs containers and execs under the normal scheduling policy (berthd\'s helper threads are SCHED_BATCH; nothing inherits it)', async () => {
    const id = (await ok(d.berth(['run', '-d', 'busybox', 'sleep', '100']))).trim();
    try {
      const policy = (pid: number | string) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[38];
      const daemonThreads = readdirSync(`/proc/${d.process.pid}/task`).filter((t) => Number(t) !== d.process.pid);
      assert.ok(daemonThreads.some((t) => policy(`${d.process.pid}/task/${t}`) === '3'), 'berthd helper threads are SCHED_BATCH');
      assert.equal(policy(d.process.pid!), '0', 'berthd\'s main thread is SCHED_OTHER');
      const pid = Number((await ok(d.berth(['inspect', '-f', '{{.State.Pid}}', id]))).trim());
      assert.equal(policy(pid), '0', 'the container process is SCHED_OTHER');
      assert.equal((await ok(d.berth(['exec', id, 'sh', '-c', "cut -d' ' -f41 /proc/self/stat"]))).trim(), '0', 'an exec is SCHED_OTHER');
    } finally {
      await d.berth(['rm', '-f', id]);
    }
  });

  it('refuses what docker refuses, with its words and exit 125', async () => {
    const cases: [string[], RegExp][] = [
      [['--sysctl', 'vm.swappiness=1'], /^invalid argument "vm.swappiness=1" for "--sysctl" flag: sysctl 'vm.swappiness=1' is not allowed\n/],
      [['--network', 'host', '--sysctl', 'net.ipv4.ip_forward=1'], /runc create failed: sysctl "net.ipv4.ip_forward" not allowed in host network namespace/],
      [['--ipc', 'host', '--sysctl', 'kernel.shmmax=1'], /sysctl "kernel.shmmax" is not allowed in the hosts ipc namespace/],
      [['--ulimit', 'nofile=2048:1024'], /ulimit soft limit must be less than or equal to hard limit: 2048 > 1024/],
      [['--ulimit', 'bogus=1'], /invalid ulimit type: bogus/],
      [['--device', '/dev/null:/dev/n:xyz'], /^berth: bad mode specified: xyz\n\nRun 'berth run --help' for more information\n$/],
      [['--device', '/dev/nonexistent'], /error gathering device information while adding custom device "\/dev\/nonexistent": no such file or directory/],
      [['--pid', 'bogus'], /^berth: --pid: invalid PID mode\n/],
      [['--uts', 'bogus'], /^berth: --uts: invalid UTS mode\n/],
      [['--cgroupns', 'bogus'], /^berth: --cgroupns: invalid CGROUP mode\n/],
      [['--ipc', 'bogus'], /Error response from daemon: Invalid IPC mode: bogus/],
      [['--uts', 'host', '--hostname', 'x'], /Error response from daemon: conflicting options: hostname and the UTS mode/],
      [['--isolation', 'hyperv'], /Error response from daemon: Invalid isolation: "hyperv" - linux only supports 'default'/],
      [['--oom-score-adj', '1001'], /Invalid value 1001, range for oom score adj is \[-1000, 1000\]/],
      [['--cpuset-cpus', '4096'], /Requested CPUs are not available - requested 4096, available: /],
      [['--cpu-period', '10'], /CPU cfs period can not be less than 1ms \(i.e. 1000\) or larger than 1s \(i.e. 1000000\)/],
      [['--memory-swap', '64m'], /You should always set the Memory limit when using Memoryswap limit, see usage/],
      [['--expose', 'abc'], /^berth: invalid range format for --expose: abc, error: strconv.ParseUint: parsing "abc": invalid syntax\n/],
      [['--platform', 'linux/s390x', '--pull', 'never'], /image with reference busybox was found but does not match the specified platform: wanted linux\/s390x, actual: linux\//],
    ];
    for (const [flags, re] of cases) {
      const r = await d.berth(['run', '--rm', ...flags, 'busybox', 'true']);
      assert.equal(r.code, /no such file or directory/.test(r.stderr) ? 127 : 125, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, flags.join(' '));
    }
    const ann = await d.berth(['run', '--rm', '--annotation', 'a=b', 'busybox', 'true']);
    assert.equal(ann.code, 1);
    assert.equal(ann.stderr, '"--annotation" requires API version 1.43, but the Berth daemon API version is 1.41\n');
    assert.equal((await ok(d.berth(['ps', '-aq']))).trim(), '', 'no container left behind');
  });

  it('writes --cidfile, and refuses one that exists', async () => {
    const cid = join(scratch, 'cid');
    const id = (await ok(d.berth(['run', '-d', '--cidfile', cid, 'busybox', 'sleep', '300']))).trim();
    assert.equal(readFileSync(cid, 'utf8'), id);
    const again = await d.berth(['create', '--cidfile', cid, 'busybox', 'true']);
    assert.equal(again.code, 125);
    assert.equal(again.stderr, `berth: container ID file found, make sure the other container isn't running or delete ${cid}\n\nRun 'berth create --help' for more information\n`);
    await ok(d.berth(['rm', '-f', id]));
  });

  it('forwards SIGTERM to the container of an attached run (not with --sig-proxy=false); -a picks the streams', async () => {
    const attached = (extra: string[]) => {
      const child = spawn(berthBin, ['-H', d.host, 'run', ...extra, 'busybox', 'sh', '-c', 'trap "echo got-term; exit 7" TERM; echo ready; for i in $(seq 600); do sleep 0.1; done; echo timeout'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const ready = new Promise<void>((resolve) => child.stdout.on('data', (c) => ((out += c), out.includes('ready') && resolve())));
      const exited = new Promise<number>((resolve) => child.on('close', (code, sig) => resolve(code ?? (sig ? 128 + 15 : -1))));
      return { child, ready, exited, out: () => out };
    };
    const a = attached(['--rm']);
    await a.ready;
    a.child.kill('SIGTERM');
    assert.equal(await a.exited, 7);
    assert.equal(a.out(), 'ready\ngot-term\n');
    const b = attached(['--name', 'noproxy', '--sig-proxy=false']);
    await b.ready;
    b.child.kill('SIGTERM');
    assert.notEqual(await b.exited, 7);
    assert.equal((await ok(d.berth(['inspect', '-f', '{{.State.Running}}', 'noproxy']))).trim(), 'true', 'the container did not get the signal');
    await ok(d.berth(['rm', '-f', 'noproxy']));
    const r = await d.berth(['run', '--rm', '-a', 'stderr', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'err\n');
  });

  it('keeps HostConfig.Annotations from unversioned API clients only (dockerd drops them below API 1.43)', async () => {
    const body = { Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { Annotations: { 'org.example.note': 'hello' } } };
    const plain = await api(d.socket, 'POST', '/containers/create?name=annotated', body);
    assert.equal(plain.status, 201);
    const versioned = await api(d.socket, 'POST', '/v1.41/containers/create?name=old', body);
    assert.equal(versioned.status, 201);
    await ok(d.berth(['start', 'annotated']));
    const ins = (await api(d.socket, 'GET', '/containers/annotated/json')).json as { HostConfig: { Annotations?: unknown }; GraphDriver: { Data: { UpperDir: string } } };
    assert.deepEqual(ins.HostConfig.Annotations, { 'org.example.note': 'hello' });
    const spec = JSON.parse(readFileSync(join(dirname(ins.GraphDriver.Data.UpperDir), 'config.json'), 'utf8')) as { annotations?: unknown };
    assert.deepEqual(spec.annotations, { 'org.example.note': 'hello' });
    const old = (await api(d.socket, 'GET', '/containers/old/json')).json as { HostConfig: { Annotations?: unknown } };
    assert.equal(old.HostConfig.Annotations, undefined);
    await ok(d.berth(['rm', '-f', 'annotated', 'old']));
  });

  it('cp -a gives copied files the container user; cp -L copies what a symlink points to', async () => {
    const src = join(scratch, 'cp');
    mkdirSync(src);
    writeFileSync(join(src, 'f'), 'data\n');
    chownSync(join(src, 'f'), 1234, 2345);
    symlinkSync('f', join(src, 'link'));
    await ok(d.berth(['run', '-d', '--name', 'cpc', '-u', 'user', 'busybox', 'sh', '-c', 'ln -s /etc/passwd /tmp/pl; exec sleep 300']));
    await ok(d.berth(['cp', join(src, 'f'), 'cpc:/tmp/plain']));
    await ok(d.berth(['cp', '-a', join(src, 'f'), 'cpc:/tmp/arch']));
    await ok(d.berth(['cp', join(src, 'link'), 'cpc:/tmp/nolink']));
    await ok(d.berth(['cp', '-L', join(src, 'link'), 'cpc:/tmp/followed']));
    const ls = await ok(d.berth(['exec', 'cpc', 'sh', '-c', 'for f in plain arch nolink followed; do echo $f=$(stat -c "%u:%g %F" /tmp/$f); done']));
    assert.deepEqual(keyed(ls), { plain: '1234:2345 regular file', arch: '1000:1000 regular file', nolink: '0:0 symbolic link', followed: '1234:2345 regular file' });
    const out = join(scratch, 'out');
    mkdirSync(out);
    await ok(d.berth(['cp', 'cpc:/tmp/pl', join(out, 'asis')]));
    await ok(d.berth(['cp', '-L', 'cpc:/tmp/pl', join(out, 'deref')]));
    await ok(d.berth(['cp', '-L', 'cpc:/tmp/pl', `${out}/`]));
    assert.ok(lstatSync(join(out, 'asis')).isSymbolicLink());
    assert.ok(statSync(join(out, 'deref')).isFile() && !lstatSync(join(out, 'deref')).isSymbolicLink());
    assert.match(readFileSync(join(out, 'pl'), 'utf8'), /^root:x:0:0:/);
    await ok(d.berth(['rm', '-f', 'cpc']));
  });

  it('the docker CLI sends the options berthd applies', { skip: !hasDocker }, async () => {
    const r = await d.docker([
      'run', '--rm', '--ulimit', 'nofile=512:1024', '--sysctl', 'kernel.msgmax=4096', '--ipc', 'none', '--pid', 'host', '--oom-score-adj', '5',
      '--group-add', '77', '--cpu-shares', '256', '--memory', '48m', '--memory-reservation', '24m', '--domainname', 'docker.example',
      'busybox', 'sh', '-c',
      'echo nofile=$(ulimit -n):$(ulimit -Hn); echo msgmax=$(cat /proc/sys/kernel/msgmax); echo shm=$(grep -c " /dev/shm " /proc/mounts); echo pid=$(readlink /proc/self/ns/pid); echo oom=$(cat /proc/self/oom_score_adj); echo groups=$(id -G); echo shares=$(cat /sys/fs/cgroup/cpu/cpu.shares); echo soft=$(cat /sys/fs/cgroup/memory/memory.soft_limit_in_bytes); echo domain=$(cat /proc/sys/kernel/domainname)',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(keyed(r.stdout), {
      nofile: '512:1024', msgmax: '4096', shm: '0', pid: readlinkSync('/proc/self/ns/pid'), oom: '5', groups: '0 77', shares: '256',
      soft: String(24 << 20), domain: 'docker.example',
    });
    const created = await d.docker(['create', '--name', 'dk', '--oom-kill-disable', '--cgroupns', 'private', '--uts', 'host', '--cgroup-parent', parent, 'busybox', 'sh', '-c', 'grep memory /proc/self/cgroup | cut -d: -f3; hostname']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /WARNING: OOM killer is disabled for the container, but no memory limit is set/);
    const h = JSON.parse(await ok(d.docker(['inspect', '-f', '{{json .HostConfig}}', 'dk']))) as Record<string, unknown>;
    assert.equal(h.OomKillDisable, true);
    assert.equal(h.CgroupnsMode, 'private');
    assert.equal(h.UTSMode, 'host');
    assert.equal(h.CgroupParent, parent);
    assert.equal(await ok(d.docker(['start', '-a', 'dk'])), `/\n${hostname()}\n`);
    await ok(d.docker(['rm', 'dk']));
    const bad = await d.docker(['run', '--rm', '--sysctl', 'vm.swappiness=1', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /sysctl 'vm.swappiness=1' is not allowed/);
    const iso = await d.docker(['run', '--rm', '--isolation', 'hyperv', 'busybox', 'true']);
    assert.equal(iso.code, 125);
    assert.match(iso.stderr, /Error response from daemon: Invalid isolation: "hyperv" - linux only supports 'default'/);
    const ann = await d.docker(['run', '--rm', '--annotation', 'a=b', 'busybox', 'true']);
    assert.match(ann.stderr, /"--annotation" requires API version 1.43, but the Docker daemon API version is 1.41/);
    const dev = await d.docker(['run', '--rm', '--device', '/dev/null:/dev/nn:r', 'busybox', 'sh', '-c', 'grep "c 1:3 " /sys/fs/cgroup/devices/devices.list; ls -l /dev/nn | cut -c1']);
    assert.equal(dev.code, 0, dev.stderr);
    assert.match(dev.stdout, /c 1:3 rwm\nc\n|c 1:3 r\nc\n/);
  });
});
