import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { NotFound } from '../../errdefs/index.js';
import { FakeRuntime } from '../../runtime/testing/fake-runtime.js';
import type { ContainerStatsWire } from '../../api/types/containers.js';
import { harness, type Harness } from './testing/harness.js';

let h: Harness<FakeRuntime>;
beforeEach(async () => {
  h = await harness(new FakeRuntime());
});
afterEach(async () => {
  await h.close();
});

async function all(it: AsyncIterable<ContainerStatsWire>, max = 10): Promise<ContainerStatsWire[]> {
  const out: ContainerStatsWire[] = [];
  for await (const m of it) {
    out.push(m);
    if (out.length >= max) break;
  }
  return out;
}

describe('stats (fake runtime)', () => {
  it('one-shot: one sample without a previous one; stream=false: two samples, the first as precpu', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'], HostConfig: { NetworkMode: 'none' } });
    await h.containers.start(id);
    const [one] = await all(await h.io.stats(id, { stream: false, oneShot: true }));
    assert.equal(one!.precpu_stats.cpu_usage.total_usage, 0);
    assert.equal(one!.preread, '0001-01-01T00:00:00Z');
    assert.equal(one!.networks, undefined, 'no counters for --network none');
    const t0 = Date.now();
    const got = await all(await h.io.stats(id, { stream: false, oneShot: false }));
    assert.equal(got.length, 1);
    assert.ok(Date.now() - t0 >= 900, 'waited for a second sample');
    assert.equal(got[0]!.cpu_stats.cpu_usage.total_usage - got[0]!.precpu_stats.cpu_usage.total_usage, 10_000_000);
    assert.equal(got[0]!.memory_stats.limit, 1 << 30);
  });

  it('streams until the caller stops; a stopped container gives one empty message; an unknown one is NotFound', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'] });
    const [empty] = await all(await h.io.stats(id, { stream: false, oneShot: false }));
    assert.deepEqual(empty!.memory_stats, {});
    assert.equal(empty!.read, '0001-01-01T00:00:00Z');
    await h.containers.start(id);
    const abort = new AbortController();
    const stream = await all(await h.io.stats(id, { stream: true, oneShot: false, signal: abort.signal }), 2);
    abort.abort();
    assert.equal(stream.length, 2);
    assert.equal(stream[1]!.precpu_stats.cpu_usage.total_usage, stream[0]!.cpu_stats.cpu_usage.total_usage);
    assert.ok(stream[0]!.networks?.eth0, 'counters on the default network');
    await assert.rejects(h.io.stats('nosuch', { stream: false, oneShot: true }), NotFound);
  });
});
