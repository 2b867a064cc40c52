import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tabulate } from './tabwriter.js';

describe('tabulate', () => {
  it('pads columns to the widest cell plus 3, at least 10, leaving the last cell bare', () => {
    const out = tabulate('REPOSITORY\tTAG\tIMAGE ID\nbusybox\tlatest\tabc');
    assert.equal(out, 'REPOSITORY   TAG       IMAGE ID\nbusybox      latest    abc');
  });

  it('ends a column block at a line without that column', () => {
    const out = tabulate('a\tb\nxxxxxxxxxxxxxxx\n\ncc\td', { minWidth: 0, padding: 1 });
    assert.equal(out, 'a b\nxxxxxxxxxxxxxxx\n\ncc d');
  });
});
