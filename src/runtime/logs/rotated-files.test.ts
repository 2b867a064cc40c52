import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readLogs, type ReadLogsOptions } from './json-file.js';
import { closeAll, countLines, openRotated } from './rotated-files.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-rotated-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rec = (i: number) => JSON.stringify({ log: `line ${i}\n`, stream: i % 5 === 0 ? 'stderr' : 'stdout', time: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z` }) + '\n';
const recs = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => rec(from + k)).join('');

/** Records 0..39 over four files: .3.gz (0-9), .2.gz (10-19), .1 plain (20-29), current (30-39). */
function makeLog(name: string): string {
  const path = join(dir, name);
  writeFileSync(`${path}.3.gz`, gzipSync(recs(0, 10)));
  writeFileSync(`${path}.2.gz`, gzipSync(recs(10, 20)));
  writeFileSync(`${path}.1`, recs(20, 30));
  writeFileSync(path, recs(30, 40));
  // Not part of the log: a compression in progress, and other names.
  writeFileSync(`${path}.1.gz.tmp`, 'partial');
  writeFileSync(`${path}.x`, 'other');
  return path;
}

async function lines(path: string, o: ReadLogsOptions = {}): Promise<number[]> {
  const out: number[] = [];
  for await (const r of readLogs(path, o)) out.push(Number(/line (\d+)/.exec(r.log.toString())![1]));
  return out;
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);

describe('rotated json-file logs', () => {
  const path = makeLog('c-json.log');
  it('lists rotated files oldest first, gzip or plain', async () => {
    const files = await openRotated(path);
    assert.deepEqual(files.map((f) => [f.index, f.gz]), [[3, true], [2, true], [1, false]]);
    assert.equal(await countLines(files[0]!), 10);
    await closeAll(files);
  });
  it('reads every file in order', async () => {
    assert.deepEqual(await lines(path), range(0, 40));
    assert.deepEqual(await lines(path, { stdout: false }), [0, 5, 10, 15, 20, 25, 30, 35]);
  });
  it('tails across files', async () => {
    assert.deepEqual(await lines(path, { tail: 3 }), [37, 38, 39]);
    assert.deepEqual(await lines(path, { tail: 10 }), range(30, 40));
    assert.deepEqual(await lines(path, { tail: 12 }), range(28, 40));
    assert.deepEqual(await lines(path, { tail: 25 }), range(15, 40));
    assert.deepEqual(await lines(path, { tail: 31 }), range(9, 40));
    assert.deepEqual(await lines(path, { tail: 1000 }), range(0, 40));
    assert.deepEqual(await lines(path, { tail: 0 }), []);
  });
  it('filters by time across files', async () => {
    const ns = (s: number) => BigInt(Date.parse(`2026-01-01T00:00:${String(s).padStart(2, '0')}Z`)) * 1_000_000n;
    assert.deepEqual(await lines(path, { since: ns(18), until: ns(31) }), range(18, 32));
  });
  it('reads a plain rotated file compressed away after the listing as its .gz', async () => {
    const p = join(dir, 'race.log');
    writeFileSync(`${p}.1.gz`, gzipSync(recs(0, 5)));
    writeFileSync(p, recs(5, 7));
    assert.deepEqual(await lines(p), range(0, 7));
  });
  it('reads rotated files when the current one is missing', async () => {
    const p = join(dir, 'gone.log');
    writeFileSync(`${p}.1`, recs(0, 3));
    assert.deepEqual(await lines(p), range(0, 3));
  });
  it('follows across rotations and a truncation, losing and repeating nothing', async () => {
    const p = join(dir, 'follow.log');
    writeFileSync(p, recs(0, 2));
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const got: number[] = [];
    for await (const r of readLogs(p, { follow: true, stopped })) {
      const n = Number(/line (\d+)/.exec(r.log.toString())![1]);
      got.push(n);
      if (n === 1) {
        // What the shim does: append, rename to .1, start a new file.
        appendFileSync(p, recs(2, 4));
        renameSync(p, `${p}.1`);
        writeFileSync(p, recs(4, 6));
      }
      if (n === 5) {
        renameSync(`${p}.1`, `${p}.2`);
        renameSync(p, `${p}.1`);
        writeFileSync(p, '');
        setTimeout(() => appendFileSync(p, recs(6, 8)), 20);
      }
      if (n === 7) stop();
    }
    assert.deepEqual(got, range(0, 8));
  });
  it('a follower that fell behind by several rotations reads the files in between', async () => {
    const p = join(dir, 'behind.log');
    writeFileSync(p, recs(0, 2));
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const got: number[] = [];
    for await (const r of readLogs(p, { follow: true, stopped })) {
      const n = Number(/line (\d+)/.exec(r.log.toString())![1]);
      got.push(n);
      if (n === 1) {
        appendFileSync(p, recs(2, 4));
        renameSync(p, `${p}.1`);
        writeFileSync(p, recs(4, 6));
        renameSync(`${p}.1`, `${p}.2`);
        renameSync(p, `${p}.1`);
        writeFileSync(p, recs(6, 8));
      }
      if (n === 7) stop();
    }
    assert.deepEqual(got, range(0, 8));
  });
  it('a follower behind by several compressed rotations finds the files in between by time', async () => {
    const p = join(dir, 'behind-gz.log');
    const rotate = () => {
      for (const k of [2, 1]) {
        try {
          renameSync(`${p}.${k}.gz`, `${p}.${k + 1}.gz`);
        } catch {
          // not there yet
        }
      }
      renameSync(p, `${p}.1`);
      writeFileSync(`${p}.1.gz`, gzipSync(readFileSync(`${p}.1`)));
      unlinkSync(`${p}.1`);
    };
    writeFileSync(p, recs(0, 2));
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const got: number[] = [];
    for await (const r of readLogs(p, { follow: true, stopped })) {
      const n = Number(/line (\d+)/.exec(r.log.toString())![1]);
      got.push(n);
      if (n === 1) {
        appendFileSync(p, recs(2, 4));
        rotate();
        writeFileSync(p, recs(4, 6));
        rotate();
        writeFileSync(p, recs(6, 8));
      }
      if (n === 7) stop();
    }
    assert.deepEqual(got, range(0, 8));
  });
});
