import assert from 'node:assert/strict';
import { test } from 'node:test';
import { updateResources } from './update-resources.js';

test('update resources: limits that are set, in runc terms', () => {
  assert.deepEqual(updateResources({ memory: 32 << 20, memorySwap: 64 << 20, nanoCpus: 5e8, cpuShares: 512, pidsLimit: 50, blkioWeight: 300 }), {
    memory: { limit: 32 << 20, swap: 64 << 20 },
    cpu: { shares: 512, period: 100_000, quota: 50_000 },
    pids: { limit: 50 },
    blockIO: { weight: 300 },
  });
});

test('update resources: nothing set leaves everything out; pids 0 or -1 is no limit', () => {
  assert.deepEqual(updateResources({}), {});
  assert.deepEqual(updateResources({ pidsLimit: 0 }), { pids: { limit: -1 } });
  assert.deepEqual(updateResources({ pidsLimit: -1, memorySwap: -1, cpuQuota: 20_000, cpuPeriod: 50_000, cpusetCpus: '0' }), {
    memory: { swap: -1 },
    cpu: { quota: 20_000, period: 50_000, cpus: '0' },
    pids: { limit: -1 },
  });
});
