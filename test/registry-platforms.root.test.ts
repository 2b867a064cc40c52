/**
 * Multi-platform images and TLS: an OCI index with linux/amd64 and linux/arm64 images, uploaded
 * here over the registry's HTTP API, pulled by berthd for its own platform and with --platform;
 * GET /distribution/{name}/json; a registry serving TLS with a certificate the test makes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { tarFromEntries } from '../src/util/tar/memory-tar.js';
import { startDaemon, type RunResult, type TestDaemon } from './helpers/daemon.js';
import { hasRegistry, startRegistry, type TestRegistry } from './helpers/registry.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function ok(p: Promise<RunResult>): Promise<string> {
  const r = await p;
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Monolithic blob upload (POST, then PUT with the digest). */
async function putBlob(host: string, repo: string, data: Buffer): Promise<string> {
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  assert.equal(start.status, 202);
  const loc = new URL(start.headers.get('location')!, `http://${host}`);
  loc.searchParams.set('digest', sha(data));
  const put = await fetch(loc, { method: 'PUT', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(put.status, 201, await put.text());
  return sha(data);
}

async function putManifest(host: string, repo: string, ref: string, mediaType: string, body: Buffer): Promise<string> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, { method: 'PUT', body: new Uint8Array(body), headers: { 'Content-Type': mediaType } });
  assert.equal(res.status, 201, await res.text());
  return sha(body);
}

function apiGet(d: TestDaemon, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, path, method: 'GET' }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('registry: manifest lists and platforms', { skip: !hasRegistry && 'docker-registry is not installed' }, () => {
  let reg: TestRegistry;
  let d: TestDaemon;
  const configs: Record<string, Buffer> = {};
  let indexDigest = '';
  before(async () => {
    reg = await startRegistry();
    d = await startDaemon();
    const layerTar = tarFromEntries([{ name: 'hello', data: 'multi-platform\n' }]);
    const layer = gzipSync(layerTar);
    const layerDigest = await putBlob(reg.host, 'multi', layer);
    const manifests = [];
    for (const [architecture, variant] of [['amd64', undefined], ['arm64', 'v8']] as const) {
      const config = Buffer.from(JSON.stringify({
        architecture, os: 'linux', ...(variant ? { variant } : {}), created: '2024-01-01T00:00:00Z',
        config: { Cmd: ['/hello'] }, rootfs: { type: 'layers', diff_ids: [sha(layerTar)] },
        history: [{ created: '2024-01-01T00:00:00Z', created_by: 'test' }],
      }));
      configs[architecture] = config;
      const configDigest = await putBlob(reg.host, 'multi', config);
      const m = Buffer.from(JSON.stringify({
        schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
      }));
      const digest = await putManifest(reg.host, 'multi', sha(m), 'application/vnd.oci.image.manifest.v1+json', m);
      manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: m.length, platform: { architecture, os: 'linux', ...(variant ? { variant } : {}) } });
    }
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
    indexDigest = await putManifest(reg.host, 'multi', 'latest', 'application/vnd.oci.image.index.v1+json', index);
  });
  after(async () => {
    await d?.cleanup();
    await reg?.stop();
  });

  it('pulls the daemon\'s platform from an index, and another with --platform', async () => {
    const host = process.arch === 'arm64' ? 'arm64' : 'amd64';
    const other = host === 'amd64' ? 'arm64' : 'amd64';
    const out = await ok(d.berth(['pull', `${reg.host}/multi`]));
    assert.match(out, new RegExp(`^Digest: ${indexDigest}$`, 'm'));
    assert.equal((await ok(d.berth(['inspect', '-f', '{{.Id}} {{.Architecture}}', `${reg.host}/multi`]))).trim(), `${sha(configs[host]!)} ${host}`);
    await ok(d.berth(['pull', '--platform', `linux/${other}`, `${reg.host}/multi:latest`]));
    assert.equal((await ok(d.berth(['inspect', '-f', '{{.Id}} {{.Architecture}}', `${reg.host}/multi`]))).trim(), `${sha(configs[other]!)} ${other}`);
    // As dockerd: the index's digest reference stays on the image it first named (a reference
    // store never re-points a digest), so the other platform's image has none.
    const digests = JSON.parse(await ok(d.berth(['inspect', '-f', '{{json .RepoDigests}}', `${reg.host}/multi`])));
    assert.deepEqual(digests, []);
    const first = JSON.parse(await ok(d.berth(['inspect', '-f', '{{json .RepoDigests}}', sha(configs[host]!)])));
    assert.deepEqual(first, [`${reg.host}/multi@${indexDigest}`]);
    const none = await d.berth(['pull', '--platform', 'linux/s390x', `${reg.host}/multi`]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no matching manifest for linux\/s390x in the manifest list entries/);
  });

  it('answers GET /distribution/{name}/json', async () => {
    const r = await apiGet(d, `/distribution/${reg.host}/multi:latest/json`);
    assert.equal(r.status, 200, r.body);
    const body = JSON.parse(r.body);
    assert.deepEqual(body.Descriptor, { mediaType: 'application/vnd.oci.image.index.v1+json', digest: indexDigest, size: body.Descriptor.size });
    assert.deepEqual(body.Platforms.map((p: { architecture: string }) => p.architecture), ['amd64', 'arm64']);
  });
});

describe('registry: TLS', { skip: !hasRegistry && 'docker-registry is not installed' }, () => {
  let reg: TestRegistry;
  let d: TestDaemon;
  const certDir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
  before(async () => {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
    ], { stdio: 'ignore' });
    reg = await startRegistry({ tls: { cert: readFileSync(join(certDir, 'cert.pem'), 'utf8'), key: readFileSync(join(certDir, 'key.pem'), 'utf8') } });
    d = await startDaemon();
    writeFileSync(join(d.dir, 'rootfs.tar'), busyboxRootfsTar());
    await ok(d.berth(['import', join(d.dir, 'rootfs.tar'), `${reg.host}/tls/bb:1`]));
  });
  after(async () => {
    await d?.cleanup();
    await reg?.stop();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('pushes and pulls over HTTPS (a loopback registry: TLS without verification, as Docker)', async () => {
    const push = await ok(d.berth(['push', `${reg.host}/tls/bb:1`]));
    assert.match(push, /1: digest: sha256:/);
    const id = (await ok(d.berth(['inspect', '-f', '{{.Id}}', `${reg.host}/tls/bb:1`]))).trim();
    await ok(d.berth(['rmi', `${reg.host}/tls/bb:1`]));
    await ok(d.berth(['pull', `${reg.host}/tls/bb:1`]));
    assert.equal((await ok(d.berth(['inspect', '-f', '{{.Id}}', `${reg.host}/tls/bb:1`]))).trim(), id);
    // Plain HTTP is refused by the TLS registry, so this went over HTTPS.
    const plain = await fetch(`http://${reg.host}/v2/`).then((r) => r.status).catch(() => 0);
    assert.notEqual(plain, 200);
  });
});
