import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonProgressDisplay, progressString } from './json-progress.js';

function sink(columns?: number) {
  const o = { text: '', columns, write: (s: string) => (o.text += s) };
  return o;
}

const pull = [
  { status: 'Pulling from library/busybox', id: 'latest' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'aaaaaaaaaaaa' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'bbbbbbbbbbbb' },
  { status: 'Downloading', progressDetail: { current: 500, total: 1000 }, progress: '[=>] 500B/1kB', id: 'aaaaaaaaaaaa' },
  { status: 'Download complete', progressDetail: {}, id: 'aaaaaaaaaaaa' },
  { status: 'Pull complete', progressDetail: {}, id: 'aaaaaaaaaaaa' },
  { status: 'Already exists', progressDetail: {}, id: 'bbbbbbbbbbbb' },
  { status: 'Digest: sha256:abc' },
  { status: 'Status: Downloaded newer image for busybox:latest' },
];

test('without a terminal: one line per status, progress skipped', () => {
  const o = sink();
  const d = new JsonProgressDisplay(o, false);
  for (const m of pull) d.message(m);
  assert.equal(
    o.text,
    'latest: Pulling from library/busybox\naaaaaaaaaaaa: Pulling fs layer\nbbbbbbbbbbbb: Pulling fs layer\n' +
      'aaaaaaaaaaaa: Download complete\naaaaaaaaaaaa: Pull complete\nbbbbbbbbbbbb: Already exists\n' +
      'Digest: sha256:abc\nStatus: Downloaded newer image for busybox:latest\n',
  );
  assert.equal(d.error, undefined);
});

test('on a terminal: lines per layer rewritten in place', () => {
  const o = sink(80);
  const d = new JsonProgressDisplay(o, true);
  for (const m of pull.slice(0, 4)) d.message(m);
  assert.equal(
    o.text,
    'latest: Pulling from library/busybox\n' +
      '\n\x1b[1A\x1b[2K\raaaaaaaaaaaa: Pulling fs layer \r\x1b[1B' +
      '\n\x1b[1A\x1b[2K\rbbbbbbbbbbbb: Pulling fs layer \r\x1b[1B' +
      '\x1b[2A\x1b[2K\raaaaaaaaaaaa: Downloading     500B/1kB\r\x1b[2B',
  );
});

test('errors and aux are collected', () => {
  const d = new JsonProgressDisplay(sink(), false);
  d.message({ aux: { Tag: 'latest', Digest: 'sha256:x', Size: 1 } });
  d.message({ errorDetail: { message: 'unauthorized: authentication required' }, error: 'unauthorized: authentication required' });
  assert.equal(d.error, 'unauthorized: authentication required');
  assert.deepEqual(d.aux, [{ Tag: 'latest', Digest: 'sha256:x', Size: 1 }]);
});

test('bars only on wide terminals', () => {
  assert.equal(progressString(1_200_000, 3_400_000, 80), '   1.2MB/3.4MB');
  assert.equal(progressString(1_200_000, 3_400_000, 120), `[=================>${' '.repeat(33)}]    1.2MB/3.4MB`);
});
