/**
 * The builder's entry point into containers (ContainerStepRunner): a RUN step's container from
 * a layer stack, its output streamed, its exit status, its upper directory handed over with only
 * what the command wrote, and its removal.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DefaultContainerService } from '../src/engine/containers/container-service.js';
import { LocalVolumeService } from '../src/engine/volumes/local-volume-service.js';
import { NotFound } from '../src/errdefs/index.js';
import type { ContainerConfig } from '../src/image/config.js';
import { RuncRuntime } from '../src/runtime/runc-runtime.js';
import { makeBusyboxLayers } from '../src/runtime/testing/busybox-layer.js';

describe('RUN step containers', { timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-steps-'));
  let svc: DefaultContainerService;
  before(async () => {
    const stack = makeBusyboxLayers(root);
    const volumes = new LocalVolumeService(join(root, 'data'));
    await volumes.recover();
    svc = new DefaultContainerService(join(root, 'data', 'containers'), {
      runtime: new RuncRuntime({ runcRoot: join(root, 'run', 'runc'), shimRoot: join(root, 'run', 'shim'), cgroupParent: '/berth-test' }),
      resolveImage: (n) => {
        throw new NotFound(`No such image: ${n}`);
      },
      imageById: () => undefined,
      layers: { root: stack.layersRoot, lowerLinks: () => stack.lowerLinks, get: () => ({ size: 0 }) },
      volumes,
      ncpu: 2,
      hostName: 'host',
    });
    await svc.recover();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('runs a step, streams its output and keeps only its own writes', async () => {
    const runner = svc.stepRunner();
    const c = await runner.create({
      imageId: '', topChainId: null, argv: ['/bin/sh', '-c', 'echo out; echo err >&2; mkdir -p /app && echo built > /app/f; rm /etc/group; whoami'],
      env: ['PATH=/bin'], workingDir: '/', user: '', volumes: [], networkMode: 'none', extraHosts: [], files: [],
      config: { Cmd: ['/bin/sh', '-c', 'x'] } as unknown as ContainerConfig,
    });
    assert.match(await svc.list({ all: true, size: false, filters: new Map() }).then((l) => l.map((x) => x.Id).join()), new RegExp(c.id));
    let out = '';
    let err = '';
    const code = await c.run({ stdout: (b) => (out += b), stderr: (b) => (err += b) }, new AbortController().signal);
    assert.equal(code, 0);
    assert.equal(out, 'out\nroot\n');
    assert.equal(err, 'err\n');
    const upper = await c.takeUpperDir();
    assert.deepEqual(readdirSync(upper).sort(), ['app', 'etc']);
    assert.deepEqual(readdirSync(join(upper, 'etc')), ['group'], 'only the whiteout: mount points are not in the layer');
    assert.equal(readFileSync(join(upper, 'app', 'f'), 'utf8'), 'built\n');
    await c.remove();
    assert.equal((await svc.list({ all: true, size: false, filters: new Map() })).length, 0);
    rmSync(upper, { recursive: true, force: true });
  });

  it('reports a failing step and can be cancelled', async () => {
    const runner = svc.stepRunner();
    const spec = { imageId: '', topChainId: null, env: [], workingDir: '', user: '', volumes: ['/data'], networkMode: 'none', extraHosts: [], files: [{ path: '/dev/pipes/script', data: '#!/bin/sh\necho from script\nexit 3\n', mode: 0o755 }], config: {} as ContainerConfig };
    const c = await runner.create({ ...spec, argv: ['/dev/pipes/script'] });
    let out = '';
    assert.equal(await c.run({ stdout: (b) => (out += b), stderr: () => {} }, new AbortController().signal), 3);
    assert.equal(out, 'from script\n');
    await c.remove();
    const slow = await runner.create({ ...spec, files: [], argv: ['sleep', '100'] });
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 200);
    assert.equal(await slow.run({ stdout: () => {}, stderr: () => {} }, ac.signal), 137);
    assert.ok(Date.now() - t0 < 5000);
    await slow.remove();
  });
});
