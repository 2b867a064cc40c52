/**
 * The registry client on its own against Distribution: chunked (PATCH + Content-Range),
 * streamed and monolithic uploads, HEAD, tags, cross-repository mounts, retries after 5xx
 * answers, and a blob whose bytes do not match its digest.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DataLoss } from '../src/errdefs/index.js';
import type { Digest } from '../src/image/digest.js';
import { DefaultRegistryClient } from '../src/registry/registry-client.js';
import { hasRegistry, startRegistry, type TestRegistry } from './helpers/registry.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;

async function* chunks(b: Buffer, size = 10_000): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe('registry client', { skip: !hasRegistry && 'docker-registry is not installed' }, () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry();
  });
  after(async () => {
    await reg?.stop();
  });

  it('uploads in chunks, streamed and monolithic; HEAD, read back, mount', async () => {
    const chunked = new DefaultRegistryClient({ chunkSize: 64 << 10 });
    const streamed = new DefaultRegistryClient();
    try {
      const a = randomBytes(300_000);
      const repo = chunked.repository(reg.host, 'client/a', undefined, ['pull', 'push']);
      const seen: number[] = [];
      const up = await repo.uploadBlob(() => chunks(a), { onProgress: (n) => seen.push(n) });
      assert.deepEqual(up, { digest: sha(a), size: a.length });
      assert.equal(seen[seen.length - 1], a.length);
      assert.equal(await repo.statBlob(sha(a)), a.length);
      assert.ok((await repo.readBlob({ digest: sha(a), size: a.length })).equals(a));

      const b = randomBytes(2_000_000);
      const r2 = streamed.repository(reg.host, 'client/b', undefined, ['pull', 'push']);
      assert.equal(await r2.statBlob(sha(b)), undefined);
      assert.deepEqual(await r2.uploadBlob(() => chunks(b, 65536)), { digest: sha(b), size: b.length });
      const small = Buffer.from('{"small":true}');
      assert.deepEqual(await r2.uploadBlob(() => chunks(small), { expected: sha(small), size: small.length }), { digest: sha(small), size: small.length });
      assert.equal(await r2.statBlob(sha(small)), small.length);

      // Mount a's blob into another repository.
      const r3 = streamed.repository(reg.host, 'client/c', undefined, ['pull', 'push']);
      assert.equal(await r3.mountBlob(sha(a), 'client/a'), true);
      assert.equal(await r3.statBlob(sha(a)), a.length);
      assert.equal(await r3.mountBlob(sha(randomBytes(10)), 'client/a'), false);

      // A wrong expected digest is refused before the upload is committed.
      await assert.rejects(r3.uploadBlob(() => chunks(Buffer.from('x')), { expected: sha(Buffer.from('y')) }), DataLoss);
    } finally {
      chunked.close();
      streamed.close();
    }
  });

  it('lists tags, and says a manifest is unknown as Docker does', async () => {
    const c = new DefaultRegistryClient();
    try {
      const repo = c.repository(reg.host, 'client/tags', undefined, ['pull', 'push']);
      const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
      await repo.uploadBlob(() => chunks(config), { expected: sha(config), size: config.length });
      const m = Buffer.from(JSON.stringify({
        schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha(config), size: config.length }, layers: [],
      }));
      for (const t of ['v1', 'v2']) assert.equal(await repo.putManifest(t, 'application/vnd.docker.distribution.manifest.v2+json', m), sha(m));
      assert.deepEqual((await repo.tags()).sort(), ['v1', 'v2']);
      const got = await repo.getManifest('v1');
      assert.equal(got.digest, sha(m));
      assert.equal(got.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
      assert.equal((await repo.headManifest('v2'))?.digest, sha(m));
      await assert.rejects(repo.getManifest('nope'), (e: Error) => {
        assert.equal(e.message, `manifest for ${reg.host}/client/tags:nope not found: manifest unknown: manifest unknown`);
        return true;
      });
    } finally {
      c.close();
    }
  });

  it('retries 5xx answers with backoff, and refuses bytes that do not match the digest', async () => {
    let failures = 0;
    let tamper = false;
    const port = Number(reg.host.split(':')[1]);
    const proxy: Server = createServer((req, res) => {
      if (req.method === 'GET' && /\/blobs\//.test(req.url ?? '') && failures < 2) {
        failures++;
        res.writeHead(503).end();
        return;
      }
      const up = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        if (tamper && req.method === 'GET' && /\/blobs\//.test(req.url ?? '')) {
          ur.on('data', (c: Buffer) => res.write(Buffer.from(c).fill(0x41, 0, 1)));
          ur.on('end', () => res.end());
        } else ur.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const c = new DefaultRegistryClient();
    try {
      const data = randomBytes(50_000);
      const repo = c.repository(host, 'client/retry', undefined, ['pull', 'push']);
      await repo.uploadBlob(() => chunks(data));
      assert.ok((await repo.readBlob({ digest: sha(data), size: data.length })).equals(data));
      assert.equal(failures, 2);
      tamper = true;
      await assert.rejects(repo.readBlob({ digest: sha(data), size: data.length }), (e: Error) => {
        assert.ok(e instanceof DataLoss);
        assert.equal(e.message, `filesystem layer verification failed for digest ${sha(data)}`);
        return true;
      });
    } finally {
      c.close();
      await new Promise((r) => proxy.close(r));
    }
  });
});
