/**
 * @module bench/registry-prep
 * `node registry-prep.js ARCHIVE`: writes the registry benchmark's image (4 layers of 50 MB,
 * half random and half text, so gzip has work to do) as a `docker save` archive at ARCHIVE,
 * times the floors (gzip -1 and gunzip of the layers, in this process) and prints them as JSON.
 * It runs as a process of its own so that the benchmark's process stays small: every command
 * the benchmark times is a child it forks, and forking a process that holds half a gigabyte of
 * buffers costs milliseconds of page-table copying, which would land in berth's and Docker's
 * figures alike (about 15 ms per command, most of a pull whose layers are all present).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildArchive } from '../src/store/testing/archive.js';
import { tarFromEntries } from '../src/util/tar/memory-tar.js';

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

export interface Floors {
  /** gzip -1 of every layer tar, in ms. */
  gzipMs: number;
  /** gunzip of the same blobs, in ms. */
  gunzipMs: number;
}

const archive = process.argv[2];
if (!archive) {
  process.stderr.write('usage: registry-prep.js ARCHIVE\n');
  process.exit(2);
}
const tars = Array.from({ length: LAYERS }, (_, i) => layerTar(i));
writeFileSync(archive, buildArchive([{ tags: ['regbench:1'], layers: tars, created: '2024-01-01T00:00:00Z' }]));
let t0 = performance.now();
const blobs = tars.map((t) => gzipSync(t, { level: 1 }));
const gzipMs = performance.now() - t0;
t0 = performance.now();
for (const b of blobs) gunzipSync(b);
const gunzipMs = performance.now() - t0;
process.stdout.write(JSON.stringify({ gzipMs, gunzipMs } satisfies Floors) + '\n');
