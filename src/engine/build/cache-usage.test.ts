import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BuildCacheWire } from '../../api/types/build.js';
import type { BuildCacheEntry } from '../../builder/types.js';
import { InvalidArgument } from '../../errdefs/index.js';
import { describe, selectForPrune, type BuildPruneOptions, type CacheItem } from './cache-usage.js';

const NOW = Date.parse('2026-01-02T00:00:00Z');

function item(id: string, w: Partial<BuildCacheWire> = {}): CacheItem {
  const wire: BuildCacheWire = {
    ID: id, Parent: '', Type: 'regular', Description: `RUN ${id}`, InUse: false, Shared: false, Size: 100,
    CreatedAt: '2026-01-01T00:00:00Z', LastUsedAt: null, UsageCount: 1, ...w,
  };
  return { wire, entry: { key: `sha256:${id}` } as BuildCacheEntry };
}

const ids = (items: CacheItem[]) => items.map((i) => i.wire.ID);
const opts = (o: Partial<BuildPruneOptions> & { f?: Record<string, string[]> } = {}): BuildPruneOptions => ({
  all: o.all ?? false, keepStorage: o.keepStorage ?? 0, filters: new Map(Object.entries(o.f ?? {})),
});

test('build prune: records in use stay; internal and frontend ones only go with all', () => {
  const items = [item('a'), item('b', { Shared: true }), item('c', { InUse: true }), item('d', { Type: 'internal' }), item('e', { Type: 'frontend' })];
  assert.deepEqual(ids(selectForPrune(items, opts(), NOW)), ['a', 'b']);
  assert.deepEqual(ids(selectForPrune(items, opts({ all: true }), NOW)), ['a', 'b', 'd', 'e']);
});

test('build cache descriptions read like the history', () => {
  assert.equal(describe('RUN ["/bin/sh","-c","echo a > /a"]'), 'RUN /bin/sh -c echo a > /a');
  assert.equal(describe('ENV X=1'), 'ENV X=1');
  assert.equal(describe('RUN [not json'), 'RUN [not json');
});

test('build prune: until (duration or time) against last use, else creation', () => {
  const items = [
    item('old'),
    item('used', { LastUsedAt: '2026-01-01T23:30:00Z' }),
    item('new', { CreatedAt: '2026-01-01T23:59:00Z' }),
  ];
  assert.deepEqual(ids(selectForPrune(items, opts({ f: { until: ['1h'] } }), NOW)), ['old']);
  assert.deepEqual(ids(selectForPrune(items, opts({ f: { until: ['10m'] } }), NOW)), ['old', 'used']);
  assert.deepEqual(ids(selectForPrune(items, opts({ f: { 'unused-for': ['0.5m'] } }), NOW)), ['old', 'used', 'new']);
  assert.deepEqual(ids(selectForPrune(items, opts({ f: { until: ['2026-01-01T12:00:00Z'] } }), NOW)), ['old']);
});

test('build prune: id, parent, type, description, shared/private, label filters', () => {
  const items = [item('abc1', { Parent: 'p1' }), item('abd2', { Shared: true, Description: 'COPY x /x' }), item('xyz3', { Type: 'source.local' })];
  const all = (f: Record<string, string[]>) => ids(selectForPrune(items, opts({ all: true, f }), NOW));
  assert.deepEqual(all({ id: ['^ab'] }), ['abc1', 'abd2']);
  assert.deepEqual(all({ parent: ['p1'] }), ['abc1']);
  assert.deepEqual(all({ type: ['source.local'] }), ['xyz3']);
  assert.deepEqual(all({ description: ['COPY x /x'] }), ['abd2']);
  assert.deepEqual(all({ shared: ['true'] }), ['abd2']);
  assert.deepEqual(all({ private: ['true'] }), ['abc1', 'xyz3']);
  assert.deepEqual(all({ label: ['a=b'] }), []);
  assert.deepEqual(all({ 'label!': ['a=b'] }), ['abc1', 'abd2', 'xyz3']);
});

test('build prune: keep-storage removes the least recently used until the rest fits', () => {
  const items = [
    item('a', { LastUsedAt: '2026-01-01T05:00:00Z', Size: 100 }),
    item('b', { LastUsedAt: '2026-01-01T01:00:00Z', Size: 100 }),
    item('c', { LastUsedAt: '2026-01-01T03:00:00Z', Size: 100 }),
  ];
  assert.deepEqual(ids(selectForPrune(items, opts({ keepStorage: 150 }), NOW)), ['b', 'c']);
  assert.deepEqual(ids(selectForPrune(items, opts({ keepStorage: 300 }), NOW)), []);
  assert.deepEqual(ids(selectForPrune(items, opts(), NOW)), ['b', 'c', 'a']);
});

test('build prune: unknown filters, two values and until with unused-for are errors', () => {
  const bad = (f: Record<string, string[]>, re: RegExp) =>
    assert.throws(() => selectForPrune([], opts({ f }), NOW), (e: unknown) => e instanceof InvalidArgument && re.test(e.message));
  bad({ foo: ['1'] }, /^failed to prune build cache: Invalid filter 'foo'$/);
  bad({ id: ['a', 'b'] }, /filters expect only one value/);
  bad({ until: ['1h'], 'unused-for': ['1h'] }, /conflicting filters/);
  bad({ until: ['soon'] }, /failed to parse value as time or duration/);
});
