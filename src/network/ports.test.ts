import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocatePorts, conflicts, ephemeralRange, PortAllocatedError } from './ports.js';

const free = async () => true;

test('ephemeralRange parses the proc file, with Docker defaults on garbage', () => {
  assert.deepEqual(ephemeralRange('32768\t60999\n'), { start: 32768, end: 60999 });
  assert.deepEqual(ephemeralRange('nonsense'), { start: 32768, end: 60999 });
});

test('conflicts: same protocol and port, overlapping address', () => {
  assert.ok(conflicts({ hostIp: '', hostPort: 80, protocol: 'tcp' }, { hostIp: '127.0.0.1', hostPort: 80, protocol: 'tcp' }));
  assert.ok(!conflicts({ hostIp: '', hostPort: 80, protocol: 'tcp' }, { hostIp: '', hostPort: 80, protocol: 'udp' }));
  assert.ok(!conflicts({ hostIp: '127.0.0.1', hostPort: 80, protocol: 'tcp' }, { hostIp: '127.0.0.2', hostPort: 80, protocol: 'tcp' }));
});

test('explicit ports: taken ones fail with Docker message', async () => {
  const inUse = [{ containerPort: 80, protocol: 'tcp' as const, hostIp: '', hostPort: 8080 }];
  await assert.rejects(
    allocatePorts([{ containerPort: 81, protocol: 'tcp', hostIp: '', hostPort: '8080' }], inUse, { probe: free }),
    (e: Error) => e instanceof PortAllocatedError && e.message === 'Bind for 0.0.0.0:8080 failed: port is already allocated',
  );
  const r = await allocatePorts([{ containerPort: 81, protocol: 'udp', hostIp: '', hostPort: '8080' }], inUse, { probe: free });
  assert.deepEqual(r, [{ containerPort: 81, protocol: 'udp', hostIp: '', hostPort: 8080 }]);
  await assert.rejects(allocatePorts([{ containerPort: 81, protocol: 'tcp', hostIp: '', hostPort: '9090' }], [], { probe: async () => false }), /Bind for 0\.0\.0\.0:9090 failed/);
});

test('picked ports come from the range, skip taken and busy ones, and differ within one request', async () => {
  const range = { start: 40000, end: 40003 };
  const inUse = [{ containerPort: 1, protocol: 'tcp' as const, hostIp: '', hostPort: 40000 }];
  const busy = async (p: number) => p !== 40001;
  const r = await allocatePorts(
    [{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: '' }, { containerPort: 81, protocol: 'tcp', hostIp: '', hostPort: '0' }],
    inUse, { range, probe: busy, random: () => 0 },
  );
  assert.deepEqual(r.map((p) => p.hostPort), [40002, 40003]);
  await assert.rejects(allocatePorts([{ containerPort: 82, protocol: 'tcp', hostIp: '', hostPort: '' }], [...inUse, ...r], { range, probe: busy }), PortAllocatedError);
  const ranged = await allocatePorts([{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: '40000-40003' }], inUse, { probe: free });
  assert.equal(ranged[0]!.hostPort, 40001);
});
