import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBytes, systemPruneWarning } from './system-prune.js';

test('system prune warning: docker CLI 28 wording for each option', () => {
  assert.equal(
    systemPruneWarning(false, false, []),
    'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all dangling images\n  - unused build cache\n',
  );
  assert.equal(
    systemPruneWarning(true, true, ['until=1h', 'label=x']),
    'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n' +
      '  - all anonymous volumes not used by at least one container\n' +
      '  - all images without at least one container associated to them\n  - all build cache\n' +
      '\n  Items to be pruned will be filtered with:\n  - label=x\n  - until=1h\n',
  );
});

test('keep-storage sizes', () => {
  assert.equal(parseBytes('512'), 512);
  assert.equal(parseBytes('10k'), 10240);
  assert.equal(parseBytes('1.5GB'), 1.5 * 1024 ** 3);
  assert.equal(parseBytes('2m'), 2 * 1024 ** 2);
  assert.throws(() => parseBytes('lots'));
});
