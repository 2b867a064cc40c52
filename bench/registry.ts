/**
 * @module bench/registry
 * Push and pull of a 200 MB image (4 layers of 50 MB, half random and half text, so gzip has
 * work to do) to and from a local CNCF Distribution registry, and a pull whose layers are all
 * present, for berth and, in the same run, dockerd (each against a registry of its own so
 * neither finds the other's blobs). The floor of a push is gzip-compressing the layer tars
 * (`gzip -1`, what berth sends); the floor of a pull is gunzip of the same blobs; the floor of a
 * pull with every layer present is `berth version` (the CLI and one API round trip).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { buildArchive } from '../src/store/testing/archive.js';
import { tarFromEntries } from '../src/util/tar/memory-tar.js';
import { run } from '../test/helpers/daemon.js';
import { startRegistry } from '../test/helpers/registry.js';
import type { Figure, Workload } from './types.js';

const LAYERS = 4;
const LAYER_BYTES = 50_000_000;

function layerTar(n: number): Buffer {
  const files = [];
  const text = Buffer.from('berth benchmark line of moderately compressible text, number ' + n + '\n');
  for (let i = 0; i < 50; i++) {
    const data = i % 2 === 0 ? randomBytes(LAYER_BYTES / 50) : Buffer.alloc(LAYER_BYTES / 50, text);
    files.push({ name: `l${n}/f${i}`, data });
  }
  return tarFromEntries([{ name: `l${n}/`, type: 'dir' as const }, ...files]);
}

async function timed(f: () => Promise<{ code: number; stderr: string; stdout?: string }>): Promise<number> {
  const t0 = performance.now();
  const r = await f();
  const ms = performance.now() - t0;
  if (r.code !== 0) throw new Error(r.stderr || r.stdout);
  return ms;
}

export const registryWorkload: Workload = {
  name: 'registry: push and pull a 200 MB image (local Distribution registry)',
  async run(ctx) {
    const tars = Array.from({ length: LAYERS }, (_, i) => layerTar(i));
    const archive = join(ctx.scratch, 'registry-bench.tar');
    writeFileSync(archive, buildArchive([{ tags: ['regbench:1'], layers: tars, created: '2024-01-01T00:00:00Z' }]));
    // Floors: compressing and decompressing the layers once, in this process.
    let t0 = performance.now();
    const blobs = tars.map((t) => gzipSync(t, { level: 1 }));
    const gzipMs = performance.now() - t0;
    t0 = performance.now();
    const { gunzipSync } = await import('node:zlib');
    for (const b of blobs) gunzipSync(b);
    const gunzipMs = performance.now() - t0;

    const regB = await startRegistry();
    const regD = ctx.docker ? await startRegistry() : undefined;
    try {
      const b = ctx.berth;
      const bName = `${regB.host}/regbench:1`;
      await b.berth(['load', '-i', archive], { timeoutMs: 600_000 });
      await b.berth(['tag', 'regbench:1', bName]);
      const bPush = await timed(() => b.berth(['push', bName], { timeoutMs: 600_000 }));
      await b.berth(['rmi', bName, 'regbench:1']);
      const bPull = await timed(() => b.berth(['pull', bName], { timeoutMs: 600_000 }));
      const bPresent = await timed(() => b.berth(['pull', bName], { timeoutMs: 600_000 }));
      // The floor of a pull with nothing to do: one CLI command and one API round trip.
      const bVersion = await timed(() => b.berth(['version']));
      await b.berth(['rmi', bName]);

      let dPush: number | undefined;
      let dPull: number | undefined;
      let dPresent: number | undefined;
      if (ctx.docker && regD) {
        const d = ctx.docker;
        const dName = `${regD.host}/regbench:1`;
        await d.run(['load', '-i', archive]);
        await d.run(['tag', 'regbench:1', dName]);
        dPush = await timed(() => d.run(['push', dName]));
        await d.run(['rmi', dName, 'regbench:1']);
        dPull = await timed(() => d.run(['pull', dName]));
        dPresent = await timed(() => d.run(['pull', dName]));
        await d.run(['rmi', dName]);
      }
      const figures: Figure[] = [
        { name: 'push 200 MB', value: bPush, unit: 'ms', higherIsBetter: false, floor: gzipMs, docker: dPush, goal: '≤ 0.5× docker' },
        { name: 'pull 200 MB', value: bPull, unit: 'ms', higherIsBetter: false, floor: gunzipMs, docker: dPull, goal: '≤ 0.5× docker' },
        { name: 'pull, all layers present', value: bPresent, unit: 'ms', higherIsBetter: false, floor: bVersion, docker: dPresent, goal: '≤ 0.2× docker' },
      ];
      return figures;
    } finally {
      await regB.stop();
      await regD?.stop();
      await run('sync', []);
    }
  },
};
