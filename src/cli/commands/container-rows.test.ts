import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerSummary } from '../../api/types/containers.js';
import { renderList } from '../format/output.js';
import { containerHeaders, containerRows, PS_TABLE } from './container-rows.js';

const one = {
  Id: 'a'.repeat(64), Names: ['/web'], Image: 'busybox', ImageID: 'sha256:' + 'b'.repeat(64), Command: 'sleep 1', Created: 0,
  Ports: [], Labels: { 'com.example.the-key': 'v' }, State: 'created', Status: 'Created', HostConfig: { NetworkMode: 'none' },
  NetworkSettings: { Networks: {} }, Mounts: [],
} as unknown as ContainerSummary;

describe('ps rows', () => {
  it('heads a Label column with the key as the docker CLI does, and shows 0B for sizes not asked for', () => {
    const rows = containerRows([one], { trunc: true });
    const spec = { defaultTable: PS_TABLE, headers: containerHeaders };
    assert.equal(renderList('table {{.Names}}\t{{.Label "com.example.the-key"}}\t{{.Size}}', rows, spec), 'NAMES     the key   SIZE\nweb       v         0B\n');
    const sized = containerRows([{ ...one, SizeRw: 0, SizeRootFs: 2_000_000 }], { trunc: true });
    assert.equal(renderList('{{.Size}}', sized, spec), '0B (virtual 2MB)\n');
  });
});
