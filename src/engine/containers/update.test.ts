import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Conflict, InvalidArgument } from '../../errdefs/index.js';
import { FakeRuntime } from '../../runtime/testing/fake-runtime.js';
import { harness, type Harness } from './testing/harness.js';
import { checkUpdate, mergeUpdate, parseCpuset } from './update.js';

describe('update checks (dockerd words)', () => {
  it('refuses settings that are invalid by themselves', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ Memory: 4 << 20 }, /^Minimum memory limit allowed is 6MB$/],
      [{ Memory: 32 << 20, MemorySwap: 16 << 20 }, /^Minimum memoryswap limit should be larger than memory limit, see usage$/],
      [{ Memory: 32 << 20, MemoryReservation: 64 << 20 }, /memory reservation limit/],
      [{ NanoCpus: 5e8, CpuQuota: 10000 }, /^Conflicting options: Nano CPUs and CPU Quota cannot both be set$/],
      [{ NanoCpus: 9e9 }, /^Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available$/],
      [{ CpuPeriod: 500 }, /^CPU cfs period can not be less than 1ms/],
      [{ CpusetCpus: '99' }, /^Requested CPUs are not available - requested 99, available: 0-1$/],
      [{ BlkioWeight: 5 }, /^Range of blkio weight is from 10 to 1000$/],
      [{ RestartPolicy: { Name: 'bogus' } }, /^invalid restart policy 'bogus'$/],
      [{ RestartPolicy: { Name: 'always', MaximumRetryCount: 2 } }, /^maximum retry count cannot be used with restart policy 'always'$/],
    ];
    for (const [u, re] of bad) assert.throws(() => checkUpdate(u, 2), (e: Error) => e instanceof InvalidArgument && re.test(e.message), JSON.stringify(u));
    checkUpdate({ Memory: 32 << 20, MemorySwap: -1, CpusetCpus: '0-1', PidsLimit: -1 }, 2);
  });

  it('parses cpuset lists', () => {
    assert.deepEqual(parseCpuset('0-2,5'), [0, 1, 2, 5]);
    assert.equal(parseCpuset('2-1'), undefined);
    assert.equal(parseCpuset('a'), undefined);
  });

  it('merges into the HostConfig; clashes with what is set are 409s naming the container', () => {
    const h = mergeUpdate('c1', { Memory: 32 << 20, MemorySwap: 64 << 20, CpuShares: 100 }, { Memory: 48 << 20, PidsLimit: -1, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } });
    assert.equal(h.Memory, 48 << 20);
    assert.equal(h.MemorySwap, 64 << 20);
    assert.equal(h.CpuShares, 100, 'a value not given stays');
    assert.equal(h.PidsLimit, 0, 'no limit is recorded as 0');
    assert.deepEqual(h.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
    assert.throws(() => mergeUpdate('c1', {}, { Memory: 32 << 20 }), (e: Error) => e instanceof Conflict
      && e.message === 'Cannot update container c1: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    assert.throws(() => mergeUpdate('c1', { AutoRemove: true }, { RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } }),
      /Cannot update container c1: Restart policy cannot be updated because AutoRemove is enabled for the container$/);
    assert.throws(() => mergeUpdate('c1', { NanoCpus: 5e8 }, { CpuQuota: 20000 }), /CPU Quota cannot be updated as NanoCPUs has already been set/);
  });
});

describe('update (fake runtime)', () => {
  let h: Harness<FakeRuntime>;
  beforeEach(async () => {
    h = await harness(new FakeRuntime());
  });
  afterEach(async () => {
    await h.close();
  });

  it('saves a stopped container\'s new limits; applies a running one\'s live', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'] });
    assert.deepEqual(await h.containers.update(id, { Memory: 32 << 20, MemorySwap: 64 << 20 }), { Warnings: [] });
    assert.equal(h.runtime.updates.length, 0, 'nothing runs: nothing to apply');
    assert.equal((await h.inspect(id)).HostConfig.Memory, 32 << 20);
    await h.containers.start(id);
    await h.containers.update(id, { PidsLimit: 50, NanoCpus: 5e8 });
    assert.equal(h.runtime.updates.length, 1);
    const r = h.runtime.updates[0]!.resources;
    assert.equal(r.memory, 32 << 20);
    assert.equal(r.pidsLimit, 50);
    assert.equal(r.nanoCpus, 5e8);
    const host = (await h.inspect(id)).HostConfig;
    assert.equal(host.PidsLimit, 50);
    assert.equal(host.NanoCpus, 5e8);
  });
});
