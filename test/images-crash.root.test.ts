/**
 * Crash safety of the image store: berthd killed with SIGKILL in the middle of an import and
 * of a load, then restarted, keeps every earlier tagged image intact (and exportable byte for
 * byte) and shows no partial layer or image; leftovers of interrupted writes are cleaned up.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildArchive } from '../src/store/testing/archive.js';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { BLOCK, encodeHeader, paddingOf } from '../src/util/tar/header.js';
import { headerOf, tarFromEntries } from '../src/util/tar/memory-tar.js';
import { startDaemon, type TestDaemon } from './helpers/daemon.js';

async function ok(p: Promise<{ code: number; stdout: string; stderr: string }>): Promise<string> {
  const r = await p;
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A large tar produced lazily: `files` files of `size` bytes. */
function* bigTar(files: number, size: number): Generator<Buffer> {
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  for (let i = 0; i < files; i++) {
    yield encodeHeader(headerOf({ name: `big/f${i}`, size, type: 'file' }));
    for (let left = size; left > 0; left -= chunk.length) yield chunk.subarray(0, Math.min(chunk.length, left));
    yield Buffer.alloc(paddingOf(size));
  }
  yield Buffer.alloc(BLOCK * 2);
}

/**
 * Streams `body` to `path` slowly; calls `whileStreaming` once the daemon is visibly writing
 * a staged layer, then expects the connection to die.
 */
async function streamAndKill(d: TestDaemon, path: string, body: Iterable<Buffer>): Promise<void> {
  const staging = join(d.dataRoot, 'tmp', 'layers');
  await new Promise<void>((resolve) => {
    const req = request({ socketPath: d.socket, method: 'POST', path, headers: { 'Content-Type': 'application/x-tar' } });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve());
      res.on('error', () => resolve());
    });
    const it = body[Symbol.iterator]();
    let killed = false;
    const pump = () => {
      for (let i = 0; i < 8; i++) {
        const n = it.next();
        if (n.done) {
          req.end();
          return;
        }
        req.write(n.value);
      }
      const staged = readdirSync(staging).some((x) => existsSync(join(staging, x, 'diff', 'big')));
      if (staged && !killed) {
        killed = true;
        d.process.kill('SIGKILL');
      }
      setTimeout(pump, 5);
    };
    pump();
  });
  await new Promise<void>((r) => (d.process.exitCode !== null || d.process.signalCode !== null ? r() : d.process.once('exit', () => r())));
  assert.equal(d.process.signalCode, 'SIGKILL');
}

describe('crash safety', () => {
  let d: TestDaemon;
  let before1: string;

  before(async () => {
    d = await startDaemon();
    await ok(d.berth(['import', '-', 'keep:1'], { input: busyboxRootfsTar() }));
    await ok(d.berth(['load'], { input: buildArchive([{ tags: ['keep:2'], layers: [tarFromEntries([{ name: 'k', data: 'kept' }])] }]) }));
    before1 = await ok(d.berth(['images', '--no-trunc', '-a', '--format', '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}} {{.CreatedAt}}']));
  });
  after(async () => {
    await d.cleanup();
  });

  async function checkIntact(): Promise<void> {
    assert.equal(await ok(d.berth(['images', '--no-trunc', '-a', '--format', '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}} {{.CreatedAt}}'])), before1);
    // Every earlier image still exports, byte for byte.
    for (const name of ['keep:1', 'keep:2']) {
      const res = await new Promise<Buffer>((resolve, reject) => {
        const req = request({ socketPath: d.socket, path: `/images/get?names=${name}` }, (r) => {
          const parts: Buffer[] = [];
          r.on('data', (c) => parts.push(c));
          r.on('end', () => resolve(Buffer.concat(parts)));
        });
        req.on('error', reject);
        req.end();
      });
      assert.ok(res.length > 1024, name);
    }
    assert.deepEqual(readdirSync(join(d.dataRoot, 'tmp', 'layers')), [], 'no staged layer left');
    const layers = readdirSync(join(d.dataRoot, 'layers')).filter((x) => x !== 'l');
    assert.equal(layers.length, 2, 'no partial or orphan layer');
    assert.equal(readdirSync(join(d.dataRoot, 'layers', 'l')).length, 2);
    assert.equal(readdirSync(join(d.dataRoot, 'images')).length, 2);
  }

  it('survives SIGKILL in the middle of an import', async () => {
    await streamAndKill(d, '/v1.41/images/create?fromSrc=-&repo=crash&tag=import', bigTar(64, 4 << 20));
    await d.restart();
    await checkIntact();
    assert.equal((await d.berth(['inspect', 'crash:import'])).code, 1);
  });

  it('survives SIGKILL in the middle of a load', async () => {
    const big = Buffer.concat([...bigTar(16, 4 << 20)]);
    const archive = buildArchive([{ tags: ['crash:load'], layers: [tarFromEntries([{ name: 'small', data: 's' }]), big] }]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < archive.length; i += 256 << 10) chunks.push(archive.subarray(i, i + (256 << 10)));
    await streamAndKill(d, '/v1.41/images/load', chunks);
    await d.restart();
    await checkIntact();
    assert.equal((await d.berth(['inspect', 'crash:load'])).code, 1);
  });

  it('cleans up what an interrupted write leaves: orphan layer, half-written records, missing layers', async () => {
    await d.stop('SIGKILL');
    const layersDir = join(d.dataRoot, 'layers');
    const keep = readdirSync(layersDir).find((x) => x !== 'l')!;
    // An orphan layer (committed, but its image never written), published under another chain ID.
    const orphan = 'f'.repeat(64);
    cpSync(join(layersDir, keep), join(layersDir, orphan), { recursive: true, verbatimSymlinks: true });
    const rec = JSON.parse(readFileSync(join(layersDir, orphan, 'layer.json'), 'utf8'));
    writeFileSync(join(layersDir, orphan, 'layer.json'), JSON.stringify({ ...rec, chainId: `sha256:${orphan}`, linkId: 'ORPHANLINKXXXXXXXXXXXXXXXX' }));
    // Half-written image record and refs, and an image whose layer is gone.
    writeFileSync(join(d.dataRoot, 'images', `.${'a'.repeat(64)}.json.1234.tmp`), '{"id":');
    writeFileSync(join(d.dataRoot, '.refs.json.abcd.tmp'), '{');
    const ghost = 'b'.repeat(64);
    writeFileSync(join(d.dataRoot, 'images', `${ghost}.json`), JSON.stringify({ id: `sha256:${ghost}`, added: '2020-01-01T00:00:00Z' }));
    await d.restart();
    await checkIntact();
    assert.ok(!existsSync(join(layersDir, orphan)));
    assert.ok(!readdirSync(d.dataRoot).some((x) => x.endsWith('.tmp')));
  });
});
