/**
 * The berth CLI against a real Docker engine (Debian's dockerd 20.10 on its own socket): a
 * build must send the context as a tar, since only berthd reads a directory in place, and the
 * everyday commands work unchanged.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockerdBin, startDockerd, type Dockerd } from './diff/dockerd.js';
import { berthBin, run, unmountUnder } from './helpers/daemon.js';

describe('the berth CLI against dockerd', { skip: !dockerdBin && 'dockerd is not installed', timeout: 120_000 }, () => {
  let dir = '';
  let dockerd: Dockerd;
  const berth = (args: string[], cwd?: string) =>
    run(berthBin, ['-H', dockerd.host, ...args], { cwd, env: { ...process.env, BERTH_CONFIG: join(dir, 'cli'), DOCKER_CONFIG: join(dir, 'cli') } });

  before(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'berth-cli-dockerd-'));
    dockerd = await startDockerd(join(dir, 'dockerd'));
  });
  after(async () => {
    await dockerd?.stop();
    await unmountUnder(dir);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('builds a directory context (sent as a tar) and lists the image', async () => {
    const ctx = join(dir, 'ctx');
    await fs.mkdir(ctx);
    await fs.writeFile(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\nLABEL from=berth-cli\n');
    await fs.writeFile(join(ctx, 'hello.txt'), 'hello from the berth CLI\n');
    const b = await berth(['build', '-t', 'berth-cli-built:1', '.'], ctx);
    assert.equal(b.code, 0, b.stderr + b.stdout);
    assert.match(b.stdout, /^Sending build context to berth daemon /m);
    assert.match(b.stdout, /^Successfully tagged berth-cli-built:1$/m);
    const labels = await berth(['image', 'inspect', '-f', '{{json .Config.Labels}}', 'berth-cli-built:1']);
    assert.equal(labels.stdout.trim(), '{"from":"berth-cli"}');
    const images = await berth(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.match(images.stdout, /^berth-cli-built:1$/m);
    const save = await run(berthBin, ['-H', dockerd.host, 'save', 'berth-cli-built:1'], { env: process.env });
    assert.equal(save.code, 0, save.stderr);
    assert.ok(save.stdout.includes('hello from the berth CLI'), 'the copied file is in the image');
  });
});
