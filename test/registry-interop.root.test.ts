/**
 * Interop with skopeo (Debian): skopeo inspects and copies what berth pushed, and berth pulls
 * what skopeo pushed from a `berth save` docker-archive, as Docker schema 2 (same image ID)
 * and as OCI (skopeo rewrites the config; same layers).
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { run, startDaemon, type RunResult, type TestDaemon } from './helpers/daemon.js';
import { hasRegistry, startRegistry, type TestRegistry } from './helpers/registry.js';

const hasSkopeo = existsSync('/usr/bin/skopeo');

async function ok(p: Promise<RunResult>): Promise<string> {
  const r = await p;
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe('registry: interop with skopeo', { skip: (!hasRegistry || !hasSkopeo) && 'docker-registry or skopeo is not installed' }, () => {
  let reg: TestRegistry;
  let src: TestDaemon;
  let dst: TestDaemon;
  let id = '';
  before(async () => {
    reg = await startRegistry();
    [src, dst] = await Promise.all([startDaemon(), startDaemon()]);
    writeFileSync(join(src.dir, 'rootfs.tar'), busyboxRootfsTar());
    await ok(src.berth(['import', '-c', 'CMD ["sh"]', join(src.dir, 'rootfs.tar'), `${reg.host}/bb:1`]));
    id = (await ok(src.berth(['inspect', '-f', '{{.Id}}', `${reg.host}/bb:1`]))).trim();
  });
  after(async () => {
    await Promise.all([src?.cleanup(), dst?.cleanup()]);
    await reg?.stop();
  });

  const skopeo = (args: string[]) => run('skopeo', args, { env: { ...process.env, HOME: src.dir } });

  it('skopeo inspects and copies what berth pushed', async () => {
    const push = await ok(src.berth(['push', `${reg.host}/bb:1`]));
    const digest = /1: digest: (sha256:[0-9a-f]{64})/.exec(push)![1];
    const info = JSON.parse(await ok(skopeo(['inspect', '--tls-verify=false', `docker://${reg.host}/bb:1`])));
    assert.equal(info.Digest, digest);
    assert.equal(info.Architecture, process.arch === 'arm64' ? 'arm64' : 'amd64');
    assert.equal(info.Layers.length, 1);
    const raw = JSON.parse(await ok(skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/bb:1`])));
    assert.equal(raw.config.digest, id);
    await ok(skopeo(['copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${reg.host}/bb:1`, `docker://${reg.host}/copied:1`]));
    await ok(dst.berth(['pull', `${reg.host}/copied:1`]));
    assert.equal((await ok(dst.berth(['inspect', '-f', '{{.Id}}', `${reg.host}/copied:1`]))).trim(), id);
  });

  for (const format of ['oci', 'v2s2']) {
    it(`berth pulls what skopeo pushed from a docker-archive (${format})`, async () => {
      const archive = join(src.dir, `save-${format}.tar`);
      await ok(src.berth(['save', '-o', archive, `${reg.host}/bb:1`]));
      await ok(skopeo(['copy', '--dest-tls-verify=false', '--format', format, `docker-archive:${archive}`, `docker://${reg.host}/from-skopeo:${format}`]));
      const out = await ok(dst.berth(['pull', `${reg.host}/from-skopeo:${format}`]));
      assert.match(out, /Status: Downloaded newer image|Status: Image is up to date/);
      const pulled = `${reg.host}/from-skopeo:${format}`;
      if (format === 'v2s2') {
        assert.equal((await ok(dst.berth(['inspect', '-f', '{{.Id}}', pulled]))).trim(), id);
      } else {
        // skopeo rewrites the config as an OCI config (a new image ID); the layers stay.
        const layers = (n: TestDaemon, name: string) => ok(n.berth(['inspect', '-f', '{{json .RootFS.Layers}} {{json .Config.Cmd}}', name]));
        assert.equal(await layers(dst, pulled), await layers(src, `${reg.host}/bb:1`));
      }
    });
  }
});
