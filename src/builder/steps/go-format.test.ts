import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goDuration, goList, goQuote, goQuoteList, goQuoteRune } from './go-format.js';

describe('go formatting', () => {
  it('quotes like %q', () => {
    assert.equal(goQuoteList(['cat', '/app/hello.txt']), '["cat" "/app/hello.txt"]');
    assert.equal(goQuote('a"b\\c\n\té'), '"a\\"b\\\\c\\n\\té"');
    assert.equal(goQuoteRune(0), "'\\x00'");
    assert.equal(goQuoteRune(3), "'\\x03'");
    assert.equal(goQuoteRune(65), "'A'");
    assert.equal(goList(['/data', '/x']), '[/data /x]');
    assert.equal(goList(null), '[]');
  });
  it('prints durations like time.Duration', () => {
    assert.equal(goDuration(0), '0s');
    assert.equal(goDuration(5e9), '5s');
    assert.equal(goDuration(1.5e9), '1.5s');
    assert.equal(goDuration(90e9), '1m30s');
    assert.equal(goDuration(100e6), '100ms');
    assert.equal(goDuration(7200e9), '2h0m0s');
    assert.equal(goDuration(1500), '1.5µs');
  });
});
