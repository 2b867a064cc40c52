import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuncRuntime } from '../src/runtime/runc-runtime.js';
import { makeBusyboxLayers } from '../src/runtime/testing/busybox-layer.js';
import { runtimeContractSuite } from '../src/runtime/testing/contract-suite.js';

const root = mkdtempSync(join(tmpdir(), 'berth-rt-contract-'));
runtimeContractSuite(
  'RuncRuntime',
  async () => ({
    runtime: new RuncRuntime({ runcRoot: join(root, 'run', 'runc'), shimRoot: join(root, 'run', 'shim'), cgroupParent: '/berth-test' }),
    layers: makeBusyboxLayers(root),
    root: join(root, 'containers'),
  }),
  async () => rmSync(root, { recursive: true, force: true }),
);
