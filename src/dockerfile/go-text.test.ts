import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanPath } from '../util/go-path.js';
import { goQuote, isSpace, splitWhitespace, splitAtFirstWhitespace, trimSpace } from './go-text.js';

describe('Go text rules', () => {
  it('strconv.Quote', () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('\x07\b\f\n\r\t\v\x00\x7f'), '"\\a\\b\\f\\n\\r\\t\\v\\x00\\x7f"');
    assert.equal(goQuote('♥ 한 é'), '"♥ 한 é"');
    assert.equal(goQuote('\u00a0\u2028\u{e0001}'), '"\\u00a0\\u2028\\U000e0001"');
  });

  it('unicode.IsSpace and TrimSpace differ from JavaScript', () => {
    assert.equal(isSpace('\u0085'), true);
    assert.equal(isSpace('\ufeff'), false);
    assert.equal(trimSpace('\u0085 a \u3000'), 'a');
    assert.equal(trimSpace('\ufeffa'), '\ufeffa');
  });

  it('splits on the parser whitespace only', () => {
    assert.deepEqual(splitWhitespace('a \t b\u00a0c'), ['a', 'b\u00a0c']);
    assert.deepEqual(splitAtFirstWhitespace('k  v w'), ['k', 'v w']);
    assert.deepEqual(splitAtFirstWhitespace('k'), ['k']);
  });

  it('path.Clean', () => {
    assert.equal(cleanPath('a//b/./c/..'), 'a/b');
    assert.equal(cleanPath('/../x'), '/x');
  });
});
