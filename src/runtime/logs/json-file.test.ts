import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatLogTime, parseLogTime } from '../../util/log-time.js';
import { readLogs, type ReadLogsOptions } from './json-file.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rec = (log: string, stream: string, time: string) => JSON.stringify({ log, stream, time }) + '\n';
const file = join(dir, 'c-json.log');
writeFileSync(
  file,
  rec('one\n', 'stdout', '2026-01-01T00:00:01.5Z') +
    rec('two\n', 'stderr', '2026-01-01T00:00:02Z') +
    rec('thr', 'stdout', '2026-01-01T00:00:03.000000001Z') +
    rec('ee\n', 'stdout', '2026-01-01T00:00:03.000000002Z') +
    rec('é\n', 'stdout', '2026-01-01T00:00:04Z'),
);

async function collect(path: string, o: ReadLogsOptions = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const r of readLogs(path, o)) out.push(`${r.stream[3]}:${r.log.toString()}`);
  return out;
}

describe('json-file logs', () => {
  it('reads every record, per stream', async () => {
    assert.deepEqual(await collect(file), ['o:one\n', 'e:two\n', 'o:thr', 'o:ee\n', 'o:é\n']);
    assert.deepEqual(await collect(file, { stdout: false }), ['e:two\n']);
  });
  it('tails', async () => {
    assert.deepEqual(await collect(file, { tail: 2 }), ['o:ee\n', 'o:é\n']);
    assert.deepEqual(await collect(file, { tail: 0 }), []);
    assert.deepEqual((await collect(file, { tail: 100 })).length, 5);
  });
  it('filters by time', async () => {
    assert.deepEqual(await collect(file, { since: parseLogTime('2026-01-01T00:00:02Z'), until: parseLogTime('2026-01-01T00:00:03.000000001Z') }), ['e:two\n', 'o:thr']);
  });
  it('is empty for a missing file', async () => {
    assert.deepEqual(await collect(join(dir, 'nope')), []);
  });
  it('formats and parses times with nanoseconds', () => {
    const ns = parseLogTime('2026-01-01T00:00:01.5Z');
    assert.equal(ns, 1767225601500000000n);
    assert.equal(formatLogTime(ns), '2026-01-01T00:00:01.500000000Z');
  });
  it('follows appended records until the container stops', async () => {
    const f = join(dir, 'follow.log');
    writeFileSync(f, rec('a\n', 'stdout', '2026-01-01T00:00:01Z'));
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const got: string[] = [];
    const done = (async () => {
      for await (const r of readLogs(f, { follow: true, stopped })) {
        got.push(r.log.toString());
        if (got.length === 1) {
          // Half a record first, then the rest: only whole records come out.
          const line = rec('b\n', 'stdout', '2026-01-01T00:00:02Z');
          appendFileSync(f, line.slice(0, 10));
          setTimeout(() => appendFileSync(f, line.slice(10)), 30);
        }
        if (got.length === 2) {
          appendFileSync(f, rec('c\n', 'stdout', '2026-01-01T00:00:03Z'));
          stop();
        }
      }
    })();
    await done;
    assert.deepEqual(got, ['a\n', 'b\n', 'c\n']);
  });
});
