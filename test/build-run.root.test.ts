/**
 * RUN: output streamed as Docker streams it, the environment a step sees (ENV, build args,
 * USER, WORKDIR, SHELL, --add-host, --network), exec form, heredocs, layers (whiteouts for
 * deleted lower files, empty layers, touched parents), VOLUME, and a failing RUN: its exit
 * status as the CLI's, its container kept unless --force-rm.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, historyCreatedBy, imageFiles, type makeContext, normalizeIds, type BuildDaemon } from './build-fixture.js';
import { hasDocker } from './helpers/daemon.js';

describe('berth build: RUN', () => {
  let b: BuildDaemon;
  const ctx = (files: Parameters<typeof makeContext>[0]) => b.context(files);
  const stepContainers = () => readdirSync(join(b.d.dataRoot, 'tmp', 'build-containers')).filter((n) => /^[0-9a-f]{64}$/.test(n));
  before(async () => {
    b = await buildDaemon();
  });
  after(async () => {
    await b.cleanup();
  });

  it('streams stdout and stderr (red) between Running in and Removing intermediate container', async () => {
    const r = await b.build(ctx({ Dockerfile: 'FROM busybox\nRUN echo out; echo err >&2\n' }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(normalizeIds(r.stdout), /Step 2\/2 : RUN echo out; echo err >&2\n ---> Running in <id>\nout\n\x1b\[91merr\n\x1b\[0mRemoving intermediate container <id>\n ---> <id>\n/);
  });

  it('runs with the stage environment: ENV, build args, USER, WORKDIR, SHELL, --add-host', async () => {
    const dir = ctx({
      Dockerfile: [
        'FROM busybox', 'ENV GREETING=hello', 'ARG WHO=world', 'WORKDIR /work', 'USER 1000:1000',
        'RUN echo "$GREETING $WHO $(id -u) $(pwd)" > /tmp/env', 'USER root', 'SHELL ["/bin/sh", "-ec"]',
        'RUN grep -q "myhost" /etc/hosts && echo hosts-ok > /tmp/hosts', 'RUN ["/bin/sh", "-c", "echo exec > /tmp/exec"]', '',
      ].join('\n'),
    });
    const r = await b.build(dir, ['--build-arg', 'WHO=berth', '--add-host', 'myhost:10.1.2.3', '-t', 'run:env']);
    assert.equal(r.code, 0, r.stderr);
    const f = await imageFiles(b.d, 'run:env');
    assert.equal(f.get('/tmp/env')?.content, 'hello berth 1000 /work\n');
    assert.equal(f.get('/tmp/hosts')?.content, 'hosts-ok\n');
    assert.equal(f.get('/tmp/exec')?.content, 'exec\n');
    const hist = await historyCreatedBy(b.d, 'run:env');
    assert.equal(hist[0], '|1 WHO=berth /bin/sh -c echo exec > /tmp/exec', 'exec form too records the args in scope');
    assert.equal(hist[1], '|1 WHO=berth /bin/sh -ec grep -q "myhost" /etc/hosts && echo hosts-ok > /tmp/hosts');
    assert.equal(hist[4], '|1 WHO=berth /bin/sh -c echo "$GREETING $WHO $(id -u) $(pwd)" > /tmp/env');
  });

  it('makes layers as Docker does: whiteouts for deleted lower files, none for a RUN that changes nothing', async () => {
    const dir = ctx({
      Dockerfile: 'FROM busybox\nRUN mkdir -p /a/b && echo x > /a/b/f && echo y > /keep\nRUN rm /a/b/f /etc/group\nRUN true\nRUN touch /tmp/t && rm /tmp/t\n',
    });
    const r = await b.build(dir, ['-t', 'run:layers']);
    assert.equal(r.code, 0, r.stderr);
    const f = await imageFiles(b.d, 'run:layers');
    assert.ok(!f.has('/a/b/f'));
    assert.ok(f.has('/a/b'));
    assert.ok(!f.has('/etc/group'), 'a file of the base layer is gone');
    assert.equal(f.get('/keep')?.content, 'y\n');
    assert.ok(!f.has('/etc/hostname') && !f.has('/.dockerenv'), 'mount points stay out of the layers');
    const sizes = await b.d.berth(['history', '--format', '{{.CreatedBy}}|{{.Size}}', 'run:layers']);
    const rows = sizes.stdout.trim().split('\n');
    assert.match(rows[1]!, /^\/bin\/sh -c true\|0B$/);
    const layers = await b.d.berth(['image', 'inspect', '--format', '{{len .RootFS.Layers}}', 'run:layers']);
    assert.equal(layers.stdout.trim(), '4', 'busybox, mkdir, rm, touch+rm (the touched /tmp); not `true`');
  });

  it('drops writes below a VOLUME but keeps its mount point, and sees the image content there', async () => {
    const dir = ctx({ Dockerfile: 'FROM busybox\nVOLUME /data /etc\nRUN echo v > /data/x && cat /etc/passwd > /copied && echo e > /etc/new\n' });
    const r = await b.build(dir, ['-t', 'run:vol']);
    assert.equal(r.code, 0, r.stderr);
    const f = await imageFiles(b.d, 'run:vol');
    assert.equal(f.get('/data')?.type, 'dir');
    assert.ok(!f.has('/data/x'));
    assert.ok(!f.has('/etc/new'));
    assert.match(f.get('/copied')?.content ?? '', /^root:x:0:0/);
  });

  it('runs heredoc scripts, with a #! interpreter as a file', async () => {
    const dir = ctx({ Dockerfile: 'FROM busybox\nRUN <<EOF\necho one > /tmp/one\necho two > /tmp/two\nEOF\nRUN <<EOF\n#!/bin/sh -e\necho shebang > /tmp/sh\nEOF\n' });
    const r = await b.build(dir, ['-t', 'run:heredoc']);
    assert.equal(r.code, 0, r.stderr);
    const f = await imageFiles(b.d, 'run:heredoc');
    assert.equal(f.get('/tmp/one')?.content, 'one\n');
    assert.equal(f.get('/tmp/two')?.content, 'two\n');
    assert.equal(f.get('/tmp/sh')?.content, 'shebang\n');
    assert.ok(!f.has('/dev/pipes'));
  });

  it('isolates the network with --network none', async () => {
    const dir = ctx({ Dockerfile: 'FROM busybox\nRUN ls /sys/class/net > /tmp/ifaces\n' });
    const r = await b.build(dir, ['--network', 'none', '-t', 'run:nonet']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await imageFiles(b.d, 'run:nonet')).get('/tmp/ifaces')?.content, 'lo\n');
  });

  it('fails with the RUN\'s exit status, keeping its container unless --force-rm; --rm=false keeps them all', async () => {
    const listed = async () => (await b.d.berth(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Status}} {{.Command}}'])).stdout.trim().split('\n').filter(Boolean);
    const dir = ctx({ Dockerfile: 'FROM busybox\nRUN echo before\nRUN echo partial && exit 3\nRUN echo never\n' });
    const before = (await listed()).length;
    const r = await b.build(dir);
    assert.equal(r.code, 3);
    assert.equal(r.stderr, "The command '/bin/sh -c echo partial && exit 3' returned a non-zero code: 3\n");
    assert.match(normalizeIds(r.stdout), /Step 3\/4 : RUN echo partial && exit 3\n ---> Running in <id>\npartial\n$/);
    const failedId = /Running in ([0-9a-f]{12})\npartial/.exec(r.stdout)![1]!;
    // As Docker's: the failed step's container is a container now, Exited with the step's status.
    const after = await listed();
    assert.equal(after.length, before + 1, 'the failed step\'s container is kept');
    assert.ok(after.some((l) => l.startsWith(failedId) && l.includes(" Exited (3) ") && l.includes('"/bin/sh -c \'echo partial')), after.join('\n'));
    assert.equal(stepContainers().length, 0, 'moved out of the builder\'s directory');
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    assert.ok(!mounts.includes(b.d.dataRoot), 'kept, but not left mounted');
    const forced = await b.build(dir, ['--force-rm']);
    assert.equal(forced.code, 3);
    assert.match(normalizeIds(forced.stdout), /partial\nRemoving intermediate container <id>\n$/);
    assert.equal((await listed()).length, before + 1);
    // --rm=false: every step's container stays, the config-only ones as Created.
    const kept = await b.build(ctx({ Dockerfile: 'FROM busybox\nENV K=1\nRUN echo ok\n' }), ['--rm=false', '--no-cache']);
    assert.equal(kept.code, 0, kept.stderr);
    assert.ok(!kept.stdout.includes('Removing intermediate container'));
    const all = await listed();
    assert.equal(all.length, before + 3);
    assert.ok(all.some((l) => / Created "\/bin\/sh -c '#\(nop\) /.test(l)), all.join('\n'));
    assert.ok(all.some((l) => / Exited \(0\) .*"\/bin\/sh -c 'echo ok'"/.test(l)), all.join('\n'));
    // They are ordinary containers: removable, and they hold their image as docker's do.
    const rmi = await b.d.berth(['rmi', 'busybox']);
    assert.equal(rmi.code, 1);
    assert.match(rmi.stderr, /conflict: unable to remove repository reference "busybox" \(must force\) - container [0-9a-f]{12} is using its referenced image/);
    assert.equal((await b.d.berth(['container', 'prune', '-f'])).code, 0);
    assert.equal((await listed()).length, 0);
  });

  it('gives the docker CLI the exit status too', { skip: !hasDocker && 'docker CLI not installed' }, async () => {
    const r = await b.dockerBuild(ctx({ Dockerfile: 'FROM busybox\nRUN exit 7\n' }));
    assert.equal(r.code, 7);
    assert.match(r.stderr, /The command '\/bin\/sh -c exit 7' returned a non-zero code: 7/);
  });
});
