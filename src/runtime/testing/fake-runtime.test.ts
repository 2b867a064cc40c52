import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeContractSuite } from './contract-suite.js';
import { FakeRuntime } from './fake-runtime.js';

const root = mkdtempSync(join(tmpdir(), 'berth-fake-rt-'));
runtimeContractSuite(
  'FakeRuntime',
  async () => ({ runtime: new FakeRuntime(), layers: { layersRoot: join(root, 'layers'), lowerLinks: [] }, root }),
  async () => rmSync(root, { recursive: true, force: true }),
);
