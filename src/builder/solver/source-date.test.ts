import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../../errdefs/index.js';
import type { ImageConfig } from '../../image/config.js';
import { clampMtimes, pinConfig, sourceDateOf } from './source-date.js';

describe('SOURCE_DATE_EPOCH', () => {
  it('reads the build arg; empty or absent means none', () => {
    assert.deepEqual(sourceDateOf({ buildArgs: { SOURCE_DATE_EPOCH: '1700000000' } }), { seconds: 1700000000, rfc3339: '2023-11-14T22:13:20Z' });
    assert.equal(sourceDateOf({ buildArgs: {} }), undefined);
    assert.equal(sourceDateOf({ buildArgs: { SOURCE_DATE_EPOCH: '' } }), undefined);
    assert.equal(sourceDateOf({ buildArgs: { SOURCE_DATE_EPOCH: null } }), undefined);
    assert.throws(() => sourceDateOf({ buildArgs: { SOURCE_DATE_EPOCH: 'yesterday' } }), InvalidArgument);
  });

  it('clamps later mtimes only, directories and symlinks included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-sde-'));
    try {
      mkdirSync(join(dir, 'd'));
      writeFileSync(join(dir, 'd/new'), 'x');
      writeFileSync(join(dir, 'old'), 'y');
      utimesSync(join(dir, 'old'), 1000, 1000);
      symlinkSync('old', join(dir, 'link'));
      clampMtimes(dir, 5000);
      assert.equal(lstatSync(join(dir, 'd/new')).mtimeMs, 5_000_000);
      assert.equal(lstatSync(join(dir, 'd')).mtimeMs, 5_000_000);
      assert.equal(lstatSync(dir).mtimeMs, 5_000_000);
      assert.equal(lstatSync(join(dir, 'link')).mtimeMs, 5_000_000);
      assert.equal(lstatSync(join(dir, 'old')).mtimeMs, 1_000_000, 'earlier times stay');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("pins the build's times and drops the step container, keeping the base's history", () => {
    const cfg = {
      architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00.1Z', container: 'c'.repeat(64),
      container_config: { Hostname: 'cccccccccccc' },
      history: [{ created: '2020-01-01T00:00:00Z', created_by: 'base' }, { created: '2026-01-01T00:00:00.1Z', created_by: 'step' }],
      rootfs: { type: 'layers', diff_ids: [] },
    } as unknown as ImageConfig;
    const out = pinConfig(cfg, 1, { seconds: 0, rfc3339: '1970-01-01T00:00:00Z' });
    assert.equal(out.created, '1970-01-01T00:00:00Z');
    assert.equal(out.container, undefined);
    assert.equal(out.container_config?.Hostname, '');
    assert.deepEqual(out.history?.map((h) => h.created), ['2020-01-01T00:00:00Z', '1970-01-01T00:00:00Z']);
  });
});
