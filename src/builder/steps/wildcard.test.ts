import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileComponent, hasWildcards } from './wildcard.js';

describe('wildcard', () => {
  it('recognizes patterns', () => {
    assert.ok(hasWildcards('*.txt'));
    assert.ok(hasWildcards('a?'));
    assert.ok(hasWildcards('[ab]'));
    assert.ok(!hasWildcards('plain name'));
    assert.ok(!hasWildcards('a\\*b'));
  });
  it('matches like Go filepath.Match', () => {
    const m = (p: string, s: string) => compileComponent(p).test(s);
    assert.ok(m('*.txt', 'a b.txt'));
    assert.ok(!m('*.txt', 'a.txt.bak'));
    assert.ok(m('fil?', 'file'));
    assert.ok(m('[a-c]x', 'bx'));
    assert.ok(!m('[^a-c]x', 'bx'));
    assert.ok(m('[^a-c]x', 'dx'));
    assert.ok(m('a\\*', 'a*'));
    assert.ok(!m('a\\*', 'ab'));
    assert.ok(m('h*', 'héllo'));
    assert.ok(m('?llo', 'éllo'));
    assert.throws(() => compileComponent('[abc'), /syntax error in pattern/);
  });
});
