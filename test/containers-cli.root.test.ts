/**
 * Containers end to end through a real berthd and the berth CLI: run (exit statuses, --rm,
 * -d, entrypoint/cmd, env, user, workdir, --init, limits, read-only, volumes, mounts),
 * ps, logs, exec, stop, kill, restart, rm, wait, inspect, rename, pause, top, cp, prune,
 * restart policies, isolation (and --privileged), and the rmi conflict; inspect -f templates
 * against the docker CLI on the same daemon.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasDocker, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';

describe('containers with the berth CLI', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  let scratch: string;
  before(async () => {
    d = await daemonWithBusybox();
    scratch = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  });
  after(async () => {
    await cleanupDaemon(d);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('run --rm prints the output and leaves nothing behind', async () => {
    assert.equal(await ok(d.berth(['run', '--rm', 'busybox', 'echo', 'hi'])), 'hi\n');
    assert.equal((await ok(d.berth(['ps', '-aq']))).trim(), '');
  });

  it('exits with the container\'s status, 127, 126 and 125 as docker', async () => {
    const r3 = await d.berth(['run', 'busybox', 'sh', '-c', 'exit 3']);
    assert.equal(r3.code, 3);
    const r127 = await d.berth(['run', '--rm', 'busybox', 'nosuch']);
    assert.equal(r127.code, 127);
    assert.equal(
      r127.stderr,
      'berth: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown\n\nRun \'berth run --help\' for more information\n',
    );
    const r126 = await d.berth(['run', '--rm', 'busybox', '/etc']);
    assert.equal(r126.code, 126, r126.stderr);
    // Pulled from a registry nobody listens at (tests stay on 127.0.0.1).
    const r125 = await d.berth(['run', '127.0.0.1:9/nosuchimage:1']);
    assert.equal(r125.code, 125);
    assert.match(r125.stderr, /Unable to find image '127\.0\.0\.1:9\/nosuchimage:1' locally/);
    const conflict = await d.berth(['run', '--rm', '--restart', 'always', 'busybox', 'true']);
    assert.equal(conflict.code, 125);
    assert.match(conflict.stderr, /Conflicting options: --restart and --rm/);
    assert.equal((await d.berth(['run', '--rm', 'busybox'])).code, 125, 'no command');
  });

  it('combines ENTRYPOINT and CMD as docker does', async () => {
    assert.equal(await ok(d.berth(['run', '--rm', 'bbentry'])), 'from-entrypoint default-arg\n');
    assert.equal(await ok(d.berth(['run', '--rm', 'bbentry', 'x', 'y'])), 'from-entrypoint x y\n');
    assert.equal(await ok(d.berth(['run', '--rm', '--entrypoint', 'echo', 'bbentry'])), '\n');
    assert.equal(await ok(d.berth(['run', '--rm', '--entrypoint', '', 'bbentry', 'echo', 'plain'])), 'plain\n');
    assert.equal(await ok(d.berth(['run', '--rm', 'bbsh', 'sh', '-c', 'echo shell'])), 'shell\n');
    // Arguments replace CMD entirely: sh's own flags are not prepended.
    assert.equal((await d.berth(['run', '--rm', 'bbsh', '-c', 'true'])).code, 127);
    assert.equal(await ok(d.berth(['run', '--rm', 'bbsh'], { input: 'echo from-stdin\n' })), '');
  });

  it('sets env, user, workdir, hostname and labels', async () => {
    const out = await ok(d.berth(['run', '--rm', '-e', 'A=1', '--env', 'B=two words', '-w', '/tmp', '-h', 'myhost', 'busybox', 'sh', '-c', 'echo "$A|$B|$(pwd)|$(hostname)|$HOME|$PATH"']));
    assert.equal(out, '1|two words|/tmp|myhost|/root|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
    writeFileSync(join(scratch, 'env'), '# comment\nFROMFILE=yes\n');
    assert.equal(await ok(d.berth(['run', '--rm', '--env-file', join(scratch, 'env'), 'busybox', 'sh', '-c', 'echo $FROMFILE'])), 'yes\n');
    assert.equal(await ok(d.berth(['run', '--rm', 'bbuser', 'sh', '-c', 'id -u; pwd; echo $GREETING $HOME'])), '1000\n/home/user\nhello /home/user\n');
    assert.equal(await ok(d.berth(['run', '--rm', '-u', '0:0', 'bbuser', 'id'])), 'uid=0(root) gid=0(root) groups=0(root)\n');
    const bad = await d.berth(['run', '--rm', '-u', 'nosuch', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /unable to find user nosuch: no matching entries in passwd file/);
    const id = (await ok(d.berth(['create', '--label', 'k=v', '--name', 'labelled', 'busybox', 'true']))).trim();
    const inspect = JSON.parse(await ok(d.berth(['container', 'inspect', id])))[0];
    assert.deepEqual(inspect.Config.Labels, { k: 'v' });
    assert.equal(inspect.Name, '/labelled');
    assert.equal(inspect.State.Status, 'created');
    await ok(d.berth(['rm', 'labelled']));
  });

  it('runs detached: ps, logs, exec, stop, rm as docker', async () => {
    const id = (await ok(d.berth(['run', '-d', '--name', 'w', 'busybox', 'sh', '-c', 'echo out; echo err >&2; trap "exit 0" TERM; while true; do sleep 0.1; done']))).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const ps = await ok(d.berth(['ps']));
    const lines = ps.trim().split('\n');
    assert.match(lines[0]!, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    assert.match(lines[1]!, new RegExp(`^${id.slice(0, 12)}\\s+busybox\\s+"sh -c 'echo out; ec…"\\s+.* ago\\s+Up .*\\s+w$`));
    await new Promise((r) => setTimeout(r, 300));
    const logs = await d.berth(['logs', 'w']);
    assert.equal(logs.stdout, 'out\n');
    assert.equal(logs.stderr, 'err\n');
    assert.match((await ok(d.berth(['logs', '-t', 'w']))), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out\n$/);
    assert.match(await ok(d.berth(['exec', 'w', 'ls', '/'])), /^bin\ndev\netc\n/);
    assert.equal((await d.berth(['exec', 'w', 'sh', '-c', 'exit 4'])).code, 4);
    assert.equal(await ok(d.berth(['exec', '-u', 'user', '-w', '/tmp', '-e', 'X=y', 'w', 'sh', '-c', 'id -u; pwd; echo $X'])), '1000\n/tmp\ny\n');
    const missing = await d.berth(['exec', 'w', 'nosuch']);
    assert.equal(missing.code, 126);
    assert.match(missing.stdout + missing.stderr, /OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in \$PATH: unknown/);
    assert.equal(await ok(d.berth(['exec', '-i', 'w', 'cat'], { input: 'piped\n' })), 'piped\n');
    const t0 = Date.now();
    assert.equal(await ok(d.berth(['stop', 'w'])), 'w\n');
    assert.ok(Date.now() - t0 < 5000, 'stopped by its stop signal');
    assert.match(await ok(d.berth(['ps', '-a', '--format', '{{.Names}} {{.Status}}'])), /^w Exited \(0\) /m);
    assert.equal(await ok(d.berth(['wait', 'w'])), '0\n');
    assert.equal(await ok(d.berth(['rm', 'w'])), 'w\n');
    const gone = await d.berth(['logs', 'w']);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, 'Error response from daemon: No such container: w\n');
  });

  it('stops with SIGKILL after the timeout and kills with a signal', async () => {
    await ok(d.berth(['run', '-d', '--name', 'stubborn', 'busybox', 'sleep', '1000']));
    const t0 = Date.now();
    await ok(d.berth(['stop', '-t', '1', 'stubborn']));
    const took = Date.now() - t0;
    assert.ok(took >= 900 && took < 6000, `took ${took} ms`);
    assert.equal(JSON.parse(await ok(d.berth(['container', 'inspect', 'stubborn'])))[0].State.ExitCode, 137);
    await ok(d.berth(['start', 'stubborn']));
    await ok(d.berth(['kill', '-s', 'KILL', 'stubborn']));
    assert.equal(await ok(d.berth(['wait', 'stubborn'])), '137\n');
    const notRunning = await d.berth(['kill', 'stubborn']);
    assert.equal(notRunning.code, 1);
    assert.match(notRunning.stderr, /is not running/);
    const busy = await d.berth(['run', '-d', '--name', 'busy', 'busybox', 'sleep', '1000']);
    assert.equal(busy.code, 0);
    const rmRunning = await d.berth(['rm', 'busy']);
    assert.equal(rmRunning.code, 1);
    assert.match(rmRunning.stderr, /You cannot remove a running container [0-9a-f]{64}\. Stop the container before attempting removal or force remove/);
    await ok(d.berth(['rm', '-f', 'busy', 'stubborn']));
  });

  it('names are unique and generated Docker-style', async () => {
    const id = (await ok(d.berth(['create', 'busybox', 'true']))).trim();
    const name = (await ok(d.berth(['container', 'inspect', '-f', '{{.Name}}', id]))).trim();
    assert.match(name, /^\/[a-z]+_[a-z]+$/);
    await ok(d.berth(['create', '--name', 'taken', 'busybox', 'true']));
    const dup = await d.berth(['create', '--name', 'taken', 'busybox', 'true']);
    assert.equal(dup.code, 125);
    assert.match(dup.stderr, /Conflict\. The container name "\/taken" is already in use by container "[0-9a-f]{64}"\. You have to remove \(or rename\) that container to be able to reuse that name\./);
    await ok(d.berth(['rename', 'taken', 'renamed']));
    assert.equal((await ok(d.berth(['container', 'inspect', '-f', '{{.Name}}', 'renamed']))).trim(), '/renamed');
    // The docker CLI's words: empty names refused at once, a daemon error followed by its own line.
    assert.deepEqual(await d.berth(['rename', 'renamed', ' ']), { code: 1, stdout: '', stderr: 'Error: Neither old nor new names may be empty\n' });
    const same = await d.berth(['rename', 'renamed', 'renamed']);
    assert.equal(same.stderr, 'Error response from daemon: Renaming a container with the same name as its current name\nError: failed to rename container named renamed\n');
    assert.equal(same.code, 1);
    await ok(d.berth(['rm', 'renamed', id]));
  });

  it('pause, unpause, top, restart and wait', async () => {
    await ok(d.berth(['run', '-d', '--name', 'pz', 'busybox', 'sh', '-c', 'sleep 1000']));
    await ok(d.berth(['pause', 'pz']));
    assert.match(await ok(d.berth(['ps', '--format', '{{.Status}}', '-f', 'name=pz'])), /^Up .* \(Paused\)$/m);
    await ok(d.berth(['unpause', 'pz']));
    const top = await ok(d.berth(['top', 'pz']));
    assert.match(top.split('\n')[0]!, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
    assert.match(top, /sleep 1000/);
    const started = JSON.parse(await ok(d.berth(['container', 'inspect', 'pz'])))[0].State.StartedAt;
    await ok(d.berth(['restart', '-t', '0', 'pz']));
    const after = JSON.parse(await ok(d.berth(['container', 'inspect', 'pz'])))[0].State;
    assert.equal(after.Running, true);
    assert.notEqual(after.StartedAt, started);
    await ok(d.berth(['rm', '-f', 'pz']));
  });

  it('applies restart policies', async () => {
    await ok(d.berth(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 1']));
    for (let i = 0; i < 100; i++) {
      const st = JSON.parse(await ok(d.berth(['container', 'inspect', 'flaky'])))[0];
      if (st.RestartCount === 2 && !st.State.Running && !st.State.Restarting) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const st = JSON.parse(await ok(d.berth(['container', 'inspect', 'flaky'])))[0];
    assert.equal(st.RestartCount, 2);
    assert.equal(st.State.ExitCode, 1);
    await ok(d.berth(['rm', '-f', 'flaky']));
  });

  it('mounts binds, named and anonymous volumes, tmpfs and --mount', async () => {
    const host = join(scratch, 'share');
    await ok(d.berth(['run', '--rm', '-v', `${host}:/share`, 'busybox', 'sh', '-c', 'echo written > /share/f']));
    assert.equal(readFileSync(join(host, 'f'), 'utf8'), 'written\n');
    const ro = await d.berth(['run', '--rm', '-v', `${host}:/share:ro`, 'busybox', 'sh', '-c', 'echo x > /share/g']);
    assert.notEqual(ro.code, 0);
    await ok(d.berth(['run', '--rm', '-v', 'vol1:/v', 'busybox', 'sh', '-c', 'echo kept > /v/file']));
    assert.equal(await ok(d.berth(['run', '--rm', '--mount', 'type=volume,source=vol1,target=/w,readonly', 'busybox', 'cat', '/w/file'])), 'kept\n');
    assert.match(await ok(d.berth(['volume', 'ls'])), /^DRIVER\s+VOLUME NAME\nlocal\s+vol1\n/);
    assert.equal(JSON.parse(await ok(d.berth(['volume', 'inspect', 'vol1'])))[0].Name, 'vol1');
    assert.equal(await ok(d.berth(['run', '--rm', '--tmpfs', '/scratch:size=1m', 'busybox', 'sh', '-c', 'mount | grep -c " /scratch type tmpfs"'])), '1\n');
    assert.equal(await ok(d.berth(['run', '--rm', '--mount', `type=bind,source=${host},target=/b`, 'busybox', 'cat', '/b/f'])), 'written\n');
    const missing = await d.berth(['run', '--rm', '--mount', `type=bind,source=${join(scratch, 'none')},target=/b`, 'busybox', 'true']);
    assert.equal(missing.code, 125);
    assert.match(missing.stderr, /bind source path does not exist/);
    // The image's VOLUME becomes an anonymous volume, removed with the container by --rm.
    await ok(d.berth(['run', '--rm', 'bbuser', 'sh', '-c', 'test -d /data']));
    assert.doesNotMatch(await ok(d.berth(['volume', 'ls', '-q'])), /^[0-9a-f]{64}$/m);
    const inUse = (await ok(d.berth(['create', '-v', 'vol1:/v', 'busybox', 'true']))).trim();
    assert.equal(await ok(d.berth(['run', '--rm', '--volumes-from', `${inUse}:ro`, 'busybox', 'cat', '/v/file'])), 'kept\n');
    const rmInUse = await d.berth(['volume', 'rm', 'vol1']);
    assert.equal(rmInUse.code, 1);
    assert.match(rmInUse.stderr, /volume is in use/);
    await ok(d.berth(['rm', inUse]));
    assert.equal(await ok(d.berth(['volume', 'rm', 'vol1'])), 'vol1\n');
  });

  it('read-only roots, --init, limits', async () => {
    const ro = await d.berth(['run', '--rm', '--read-only', 'busybox', 'touch', '/x']);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    assert.equal(await ok(d.berth(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "'])), '/sbin/docker-init -- sh -c cat /proc/1/cmdline | tr "\\0" " " ');
    const oom = await d.berth(['run', '--name', 'oom', '-m', '8m', 'busybox', 'sh', '-c', 'a=$(head -c 60000000 /dev/zero | tr "\\0" a); echo survived']);
    assert.equal(oom.code, 137);
    assert.equal((await ok(d.berth(['container', 'inspect', '-f', '{{.State.OOMKilled}}', 'oom']))).trim(), 'true');
    await ok(d.berth(['rm', 'oom']));
    assert.equal(await ok(d.berth(['run', '--rm', '-m', '64m', '--cpus', '0.5', '--pids-limit', '50', 'busybox', 'sh', '-c', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/pids/pids.max'])), `${64 << 20}\n50000\n50\n`);
  });

  it('isolates containers; --privileged lifts it', async () => {
    const script = 'ps -o pid | wc -l; (echo 1 > /proc/sys/kernel/ns_last_pid) 2>/dev/null && echo sysw || echo sysro; grep CapEff /proc/self/status | cut -f2';
    const [procs, sys, caps] = (await ok(d.berth(['run', '--rm', 'busybox', 'sh', '-c', script]))).trim().split('\n');
    assert.ok(Number(procs) <= 5, `the host's processes are hidden (${procs} lines)`);
    assert.equal(sys, 'sysro');
    assert.equal(BigInt('0x' + caps) & (1n << 16n), 0n, 'no CAP_SYS_MODULE: no kernel modules');
    const [, psys, pcaps] = (await ok(d.berth(['run', '--rm', '--privileged', 'busybox', 'sh', '-c', script]))).trim().split('\n');
    assert.equal(psys, 'sysw');
    assert.notEqual(BigInt('0x' + pcaps) & (1n << 16n), 0n);
    const nnp = await ok(d.berth(['run', '--rm', '--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs', '/proc/self/status']));
    assert.match(nnp, /NoNewPrivs:\t1/);
    const dropped = await ok(d.berth(['run', '--rm', '--cap-drop', 'ALL', '--cap-add', 'CHOWN', 'busybox', 'sh', '-c', 'grep CapEff /proc/self/status | cut -f2']));
    assert.equal(dropped.trim(), '0000000000000001');
  });

  it('copies files both ways with cp', async () => {
    await ok(d.berth(['run', '-d', '--name', 'cpt', 'busybox', 'sleep', '1000']));
    writeFileSync(join(scratch, 'in.txt'), 'to the container\n');
    await ok(d.berth(['cp', join(scratch, 'in.txt'), 'cpt:/tmp/']));
    assert.equal(await ok(d.berth(['exec', 'cpt', 'cat', '/tmp/in.txt'])), 'to the container\n');
    await ok(d.berth(['cp', join(scratch, 'in.txt'), 'cpt:/tmp/renamed.txt']));
    assert.equal(await ok(d.berth(['exec', 'cpt', 'cat', '/tmp/renamed.txt'])), 'to the container\n');
    await ok(d.berth(['exec', 'cpt', 'sh', '-c', 'mkdir -p /out/sub && echo back > /out/sub/f']));
    await ok(d.berth(['cp', 'cpt:/out', join(scratch, 'copied')]));
    assert.equal(readFileSync(join(scratch, 'copied', 'sub', 'f'), 'utf8'), 'back\n');
    await ok(d.berth(['stop', '-t', '0', 'cpt']));
    await ok(d.berth(['cp', 'cpt:/etc/passwd', join(scratch, 'passwd')]));
    assert.match(readFileSync(join(scratch, 'passwd'), 'utf8'), /^root:x:0:0/);
    const missing = await d.berth(['cp', 'cpt:/nope', scratch]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Could not find the file \/nope in container cpt/);
    await ok(d.berth(['rm', 'cpt']));
  });

  it('refuses to remove an image a container uses', async () => {
    const id = (await ok(d.berth(['create', 'bbentry']))).trim();
    const r = await d.berth(['rmi', 'bbentry']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /conflict: unable to (remove repository reference|delete).*container/);
    await ok(d.berth(['rm', id]));
  });

  it('prunes stopped containers and unused volumes', async () => {
    const a = (await ok(d.berth(['create', 'busybox', 'true']))).trim();
    await ok(d.berth(['run', '-d', '--name', 'keep', 'busybox', 'sleep', '1000']));
    const out = await ok(d.berth(['container', 'prune', '-f']));
    assert.match(out, new RegExp(`^Deleted Containers:\\n(?:[0-9a-f]{64}\\n)*${a}\\n`));
    assert.match(out, /Total reclaimed space: /);
    assert.equal((await ok(d.berth(['ps', '-a', '--format', '{{.Names}}']))).trim(), 'keep');
    await ok(d.berth(['volume', 'create', 'loose']));
    assert.match(await ok(d.berth(['volume', 'prune', '-f'])), /Deleted Volumes:\nloose\n/);
    await ok(d.berth(['rm', '-f', 'keep']));
  });

  it('keeps a container\'s own writes in its upper directory only', async () => {
    const id = (await ok(d.berth(['run', '--name', 'writer', 'busybox', 'sh', '-c', 'echo data > /newfile']))).trim();
    void id;
    const info = JSON.parse(await ok(d.berth(['container', 'inspect', 'writer'])))[0];
    const upper = info.GraphDriver.Data.UpperDir;
    assert.ok(existsSync(join(upper, 'newfile')));
    assert.ok(!existsSync(join(upper, 'etc', 'hosts')), 'mount points live in the init layer');
    await ok(d.berth(['rm', 'writer']));
  });

  it('renders inspect -f templates as the docker CLI does on the same daemon', { skip: !hasDocker && 'no docker CLI' }, async () => {
    await ok(d.berth(['run', '-d', '--name', 'tmpl', 'busybox', 'sleep', '60']));
    await ok(d.berth(['volume', 'create', 'tmplvol']));
    // Nil and omitted fields print as the Go types' zero values; a key the type lacks fails over to the raw map.
    const cases: [string[], string][] = [
      [['inspect'], '{{.Config.Healthcheck}}|{{.HostConfig.Links}}|{{.State.Health}}|{{.Config.Volumes}}|{{.NetworkSettings.Networks.bridge.Aliases}}|{{.Config.StopSignal}}'],
      [['inspect'], '{{.State.Status}} {{.HostConfig.RestartPolicy}} {{.HostConfig.ConsoleSize}} {{.Config.StopTimeout}} {{index .Config.Labels "x"}} {{.NetworkSettings.Networks.nope}}'],
      [['inspect'], '{{json .Config}} {{json .HostConfig}} {{json .NetworkSettings}} {{json .Mounts}}'],
      [['inspect'], '{{.Node}}'],
      [['inspect'], '{{.Id}} {{.HostConfig.CpuShares}}'],
      [['inspect'], 'x\n{{.State.Health.Status}}'],
      [['container', 'inspect'], '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAMConfig}} {{$v.Links}} {{$v.DriverOpts}}{{end}}'],
      [['image', 'inspect'], '{{.Config.Volumes}} {{.Config.Healthcheck}} {{.RootFS}} {{.ContainerConfig.Volumes}} {{json .}}'],
      [['network', 'inspect'], '{{.Created}} {{.IPAM.Options}} {{.Peers}} {{range .IPAM.Config}}{{.AuxAddress}}{{end}} {{json .}}'],
      [['volume', 'inspect'], '{{.Labels}} {{.Status}} {{.UsageData}} {{json .}}'],
      [['volume', 'inspect'], '{{.UsageData.Size}}'],
    ];
    const target: Record<string, string> = { inspect: 'tmpl', container: 'tmpl', image: 'busybox', network: 'bridge', volume: 'tmplvol' };
    for (const [cmd, format] of cases) {
      const args = [...cmd, '-f', format, target[cmd[0]!]!];
      const [docker, berth] = await Promise.all([d.docker(args), d.berth(args)]);
      assert.deepEqual(berth, docker, args.join(' '));
    }
    await ok(d.berth(['rm', '-f', 'tmpl']));
    await ok(d.berth(['volume', 'rm', 'tmplvol']));
  });
});
