/**
 * @module bench/images
 * Import and save of a 1 GB, 10,000-file layer, in MB/s, beside the floor: `tar` of the same
 * files piped to `sha256sum` (reading and hashing every byte once). Import also has to write
 * every byte to the file system, so GNU tar's own extraction of the layer is shown for
 * context. With dockerd installed, `docker import` / `docker save` are measured too.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { berthBin, dockerBin, run } from '../test/helpers/daemon.js';
import type { Figure, Workload } from './types.js';

const FILES = 10_000;
const TOTAL = 1_000_000_000;

/** 10,000 files totalling 1 GB (sizes vary around 100 kB), in 100 directories. */
function makeTree(root: string): void {
  const pool = randomBytes(4 << 20);
  let written = 0;
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, `d${String(i % 100).padStart(2, '0')}`);
    if (i < 100) mkdirSync(dir, { recursive: true });
    const left = TOTAL - written;
    const size = i === FILES - 1 ? left : Math.min(left, 50_000 + ((i * 7919) % 100_000));
    const fd = openSync(join(dir, `f${i}`), 'w');
    let off = (i * 4099) % (pool.length - 200_000);
    for (let n = size; n > 0; ) {
      const k = Math.min(n, pool.length - off);
      writeSync(fd, pool, off, k);
      n -= k;
      off = 0;
    }
    closeSync(fd);
    written += size;
  }
}

async function timed(f: () => Promise<{ code: number; stderr: string }>): Promise<number> {
  const t0 = performance.now();
  const r = await f();
  const ms = performance.now() - t0;
  if (r.code !== 0) throw new Error(r.stderr);
  return ms;
}

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/** Lets earlier writes reach the disk so each measurement starts from the same state. */
async function settle(): Promise<void> {
  await run('sync', []);
  await new Promise((r) => setTimeout(r, 3000));
}

export const imagesWorkload: Workload = {
  name: 'images: import and save a 1 GB, 10,000-file layer',
  async run(ctx) {
    const tree = join(ctx.scratch, 'layer-tree');
    makeTree(tree);
    const tarFile = join(ctx.scratch, 'layer.tar');
    const mk = await run('tar', ['-C', tree, '-cf', tarFile, '.']);
    if (mk.code !== 0) throw new Error(mk.stderr);
    const bytes = TOTAL;
    // Floor: every byte read from the files and hashed once (best of 3, caches warm).
    let floorMs = Infinity;
    for (let i = 0; i < 3; i++) {
      floorMs = Math.min(floorMs, await timed(() => run('bash', ['-c', `tar -C '${tree}' -cf - . | sha256sum >/dev/null`])));
    }
    const floor = mbps(bytes, floorMs);
    // For context: what writing the files costs here (GNU tar extracting the same layer, then syncfs).
    await settle();
    const xdir = join(ctx.scratch, 'gnu-extract');
    const extractMs = await timed(() => run('bash', ['-c', `mkdir '${xdir}' && tar -C '${xdir}' -xf '${tarFile}' && sync -f '${xdir}'`]));
    // Import once into the fresh daemon (a second import of the same layer would measure
    // extraction plus deleting the duplicate). Save is streamed to /dev/null, best of 3.
    await settle();
    const importMs = await timed(() => ctx.berth.berth(['import', tarFile, 'bench:1'], { timeoutMs: 600_000 }));
    let saveMs = Infinity;
    for (let i = 0; i < 3; i++) {
      saveMs = Math.min(saveMs, await timed(() => run('bash', ['-c', `'${berthBin}' -H '${ctx.berth.host}' save bench:1 >/dev/null`], { timeoutMs: 600_000 })));
    }
    let dockerImport: number | undefined;
    let dockerSave: number | undefined;
    if (ctx.docker) {
      await settle();
      dockerImport = mbps(bytes, await timed(() => ctx.docker!.run(['import', tarFile, 'bench:1'])));
      dockerSave = mbps(bytes, await timed(() => run('bash', ['-c', `'${dockerBin}' -H '${ctx.docker!.host}' save bench:1 >/dev/null`], { timeoutMs: 600_000 })));
    }
    const figures: Figure[] = [
      { name: 'berth import (1 GB, 10,000 files)', value: mbps(bytes, importMs), unit: 'MB/s', higherIsBetter: true, floor, docker: dockerImport, goal: '≤ 1.5× floor' },
      { name: 'berth save to a pipe (1 GB, 10,000 files)', value: mbps(bytes, saveMs), unit: 'MB/s', higherIsBetter: true, floor, docker: dockerSave, goal: '≤ 1.5× floor' },
      { name: 'for context: GNU tar -x of the same layer + syncfs', value: mbps(bytes, extractMs), unit: 'MB/s', higherIsBetter: true, floor, goal: 'informational (the cost of writing the files)' },
    ];
    return figures;
  },
};
