/**
 * Seccomp and the other security options, end to end: Docker's default profile keeps keyctl,
 * add_key, odd personality values and unshare(CLONE_NEWUSER) out (a static C probe bind-mounted
 * into busybox calls them); `seccomp=unconfined` and `--privileged` turn it off; a profile file
 * applies; a deny-all profile stops the container; info and inspect report it; build RUN steps
 * get it too; apparmor/label options the host cannot honour are refused.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasDocker, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';

const PROBE_C = `
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static void report(const char *name, long r) {
  printf("%s=%s\\n", name, r < 0 ? (errno == EPERM ? "EPERM" : strerror(errno)) : "OK");
}
int main(void) {
  /* keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, create=1) */
  report("keyctl", syscall(SYS_keyctl, 0, -2, 1));
  /* add_key("user", ..., KEY_SPEC_PROCESS_KEYRING): the process's own keyring, gone with it */
  report("add_key", syscall(SYS_add_key, "user", "berth-seccomp-probe", "x", 1, -2));
  /* personality(ADDR_NO_RANDOMIZE) is not among Docker's allowed values; the query is */
  report("personality_query", syscall(SYS_personality, 0xffffffffUL));
  report("personality_norandom", syscall(SYS_personality, 0x0040000UL));
  return 0;
}
`;

describe('seccomp and security options', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  let probe: string;
  let files: string;
  const run = (args: string[]) => d.berth(['run', '--rm', '-v', `${probe}:/probe:ro`, ...args]);

  before(async () => {
    d = await daemonWithBusybox();
    files = join(d.dir, 'files');
    mkdirSync(files);
    writeFileSync(join(files, 'probe.c'), PROBE_C);
    probe = join(files, 'probe');
    execFileSync('cc', ['-static', '-O2', '-o', probe, join(files, 'probe.c')]);
  });
  after(async () => {
    await cleanupDaemon(d);
  });

  it('denies keyctl, add_key, personality(ADDR_NO_RANDOMIZE) and unshare(CLONE_NEWUSER) by default', async () => {
    assert.equal(await ok(run(['busybox', '/probe'])), 'keyctl=EPERM\nadd_key=EPERM\npersonality_query=OK\npersonality_norandom=EPERM\n');
    assert.equal(await ok(run(['busybox', 'grep', '^Seccomp:', '/proc/self/status'])), 'Seccomp:\t2\n');
    const u = await run(['busybox', 'unshare', '-U', 'true']);
    assert.notEqual(u.code, 0);
    assert.match(u.stderr + u.stdout, /unshare.*Operation not permitted/);
    // The capability rules follow --cap-add: CAP_SYS_ADMIN lets unshare through.
    assert.equal(await ok(run(['--cap-add', 'SYS_ADMIN', 'busybox', 'unshare', '-U', 'echo', 'in-userns'])), 'in-userns\n');
  });

  it('allows them with seccomp=unconfined and with --privileged', async () => {
    assert.equal(await ok(run(['--security-opt', 'seccomp=unconfined', 'busybox', '/probe'])), 'keyctl=OK\nadd_key=OK\npersonality_query=OK\npersonality_norandom=OK\n');
    assert.equal(await ok(run(['--security-opt', 'seccomp=unconfined', 'busybox', 'unshare', '-U', 'echo', 'in-userns'])), 'in-userns\n');
    assert.equal(await ok(run(['--security-opt', 'seccomp=unconfined', 'busybox', 'grep', '^Seccomp:', '/proc/self/status'])), 'Seccomp:\t0\n');
    assert.equal(await ok(run(['--privileged', 'busybox', 'grep', '^Seccomp:', '/proc/self/status'])), 'Seccomp:\t0\n');
  });

  it('applies a profile file, and a deny-all profile stops the container', async () => {
    const onlyKeyctl = join(files, 'no-keyctl.json');
    writeFileSync(onlyKeyctl, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['keyctl'], action: 'SCMP_ACT_ERRNO' }] }, null, 2));
    assert.equal(await ok(run(['--security-opt', `seccomp=${onlyKeyctl}`, 'busybox', '/probe'])), 'keyctl=EPERM\nadd_key=OK\npersonality_query=OK\npersonality_norandom=OK\n');

    const denyAll = join(files, 'deny-all.json');
    writeFileSync(denyAll, JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO' }));
    const r = await d.berth(['run', '--name', 'denied', '--security-opt', `seccomp=${denyAll}`, 'busybox', 'echo', 'ran']);
    assert.notEqual(r.code, 0, 'the container must not run under a deny-all profile');
    assert.ok(!r.stdout.includes('ran'), r.stdout);
    const state = JSON.parse(await ok(d.berth(['inspect', '-f', '{{json .State}}', 'denied']))) as { Running: boolean; ExitCode: number };
    assert.equal(state.Running, false);
    assert.notEqual(state.ExitCode, 0);
    await ok(d.berth(['rm', '-f', 'denied']));

    const missing = await d.berth(['run', '--rm', '--security-opt', `seccomp=${join(files, 'nope.json')}`, 'busybox', 'true']);
    assert.equal(missing.code, 125);
    assert.match(missing.stderr, /opening seccomp profile \(.*nope\.json\) failed: open .*nope\.json: no such file or directory/);
    const bad = await d.berth(['run', '--rm', '--security-opt', 'seccomp={"syscalls": 5}', 'busybox', 'true']);
    assert.equal(bad.code, 125);
  });

  it('shows seccomp in info and SecurityOpt as given in inspect', async () => {
    const info = JSON.parse(await ok(d.berth(['info', '--format', '{{json .SecurityOptions}}']))) as string[];
    assert.deepEqual(info, ['name=seccomp,profile=default']);
    assert.match(await ok(d.berth(['info'])), / Security Options:\n {2}seccomp\n {3}Profile: default\n/);
    await ok(d.berth(['create', '--name', 'sec1', '--security-opt', 'seccomp=unconfined', '--security-opt', 'no-new-privileges', 'busybox', 'true']));
    assert.equal((await ok(d.berth(['inspect', '-f', '{{json .HostConfig.SecurityOpt}}', 'sec1']))).trim(), '["seccomp=unconfined","no-new-privileges"]');
    await ok(d.berth(['rm', 'sec1']));
    const profile = join(files, 'log.json');
    writeFileSync(profile, '{\n  "defaultAction": "SCMP_ACT_ALLOW"\n}\n');
    await ok(d.berth(['create', '--name', 'sec2', '--security-opt', `seccomp=${profile}`, 'busybox', 'true']));
    assert.equal((await ok(d.berth(['inspect', '-f', '{{json .HostConfig.SecurityOpt}}', 'sec2']))).trim(), '["seccomp={\\"defaultAction\\":\\"SCMP_ACT_ALLOW\\"}"]');
    await ok(d.berth(['rm', 'sec2']));
  });

  it('gives build RUN steps the default profile', async () => {
    const ctx = join(files, 'ctx');
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN grep ^Seccomp: /proc/self/status && echo RUN-DONE\n');
    const out = await ok(d.berth(['build', '--no-cache', '-t', 'seccomp-build', ctx]));
    assert.match(out, /Seccomp:\s+2\n/);
    assert.match(out, /RUN-DONE/);
    await ok(d.berth(['rmi', 'seccomp-build']));
  });

  it('takes the docker CLI\'s --security-opt as it sends them', { skip: !hasDocker && 'docker CLI not installed' }, async () => {
    const noKeyctl = join(files, 'docker-no-keyctl.json');
    writeFileSync(noKeyctl, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['keyctl'], action: 'SCMP_ACT_ERRNO' }] }));
    const docker = (args: string[]) => d.docker(['run', '--rm', '-v', `${probe}:/probe:ro`, ...args]);
    assert.equal(await ok(docker(['busybox', '/probe'])), 'keyctl=EPERM\nadd_key=EPERM\npersonality_query=OK\npersonality_norandom=EPERM\n');
    assert.equal(await ok(docker(['--security-opt', `seccomp=${noKeyctl}`, 'busybox', '/probe'])), 'keyctl=EPERM\nadd_key=OK\npersonality_query=OK\npersonality_norandom=OK\n');
    assert.equal(await ok(docker(['--security-opt', 'systempaths=unconfined', 'busybox', 'sh', '-c', 'test -c /proc/keys || echo open'])), 'open\n');
    const info = await ok(d.docker(['info', '--format', '{{json .SecurityOptions}}']));
    assert.equal(info.trim(), '["name=seccomp,profile=default"]');
  });

  it('honours no-new-privileges and systempaths=unconfined, refuses what the host cannot apply', async () => {
    assert.equal(await ok(run(['--security-opt', 'no-new-privileges', 'busybox', 'grep', '^NoNewPrivs:', '/proc/self/status'])), 'NoNewPrivs:\t1\n');
    assert.equal(await ok(run(['busybox', 'sh', '-c', 'test -c /proc/keys && echo masked'])), 'masked\n');
    assert.equal(await ok(run(['--security-opt', 'systempaths=unconfined', 'busybox', 'sh', '-c', 'test -c /proc/keys || echo open'])), 'open\n');
    assert.equal(await ok(run(['--security-opt', 'label=disable', '--security-opt', 'apparmor=unconfined', 'busybox', 'echo', 'ok'])), 'ok\n');
    const aa = await d.berth(['run', '--rm', '--security-opt', 'apparmor=docker-default', 'busybox', 'true']);
    assert.equal(aa.code, 125);
    assert.match(aa.stderr, /apparmor=docker-default: AppArmor is not enabled on this host/);
    const label = await d.berth(['run', '--rm', '--security-opt', 'label=type:svirt_t', 'busybox', 'true']);
    assert.equal(label.code, 125);
    assert.match(label.stderr, /label=type:svirt_t: berth does not apply SELinux labels/);
    const unknown = await d.berth(['run', '--rm', '--security-opt', 'bogus=1', 'busybox', 'true']);
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /invalid --security-opt 2: "bogus=1"/);
    const noValue = await d.berth(['run', '--rm', '--security-opt', 'seccomp', 'busybox', 'true']);
    assert.equal(noValue.code, 125);
    assert.match(noValue.stderr, /Invalid --security-opt: "seccomp"/);
  });
});
