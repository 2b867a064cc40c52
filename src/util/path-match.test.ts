import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadPatternError, PathMatcher, hasWildcards, pathMatch, unescapePattern, validatePattern } from './path-match.js';

describe('path.Match', () => {
  it('recognizes patterns', () => {
    assert.ok(hasWildcards('*.txt'));
    assert.ok(hasWildcards('a?'));
    assert.ok(hasWildcards('[ab]'));
    assert.ok(!hasWildcards('plain name'));
    assert.ok(!hasWildcards('a\\*b'));
    assert.equal(unescapePattern('a\\*b\\\\c'), 'a*b\\c');
  });

  it('matches one path element like Go filepath.Match', () => {
    const m = (p: string, s: string) => new PathMatcher(p).matches(s);
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
    assert.ok(m('[\\]]', ']'));
    assert.ok(!m('[z-a]', 'm'), 'a reversed range is valid and never matches');
    assert.throws(() => new PathMatcher('[abc'), /syntax error in pattern/);
  });

  it('takes "-", "/", "$" and non-ASCII as plain characters (no RegExp escapes to get wrong)', () => {
    // These crashed as "Invalid regular expression … Invalid escape" when patterns were RegExps.
    assert.ok(pathMatch('my-file-*.txt', 'my-file-é.txt'));
    assert.ok(pathMatch('café-*', 'café-au-lait'));
    assert.ok(pathMatch('naïve-[a-z]?', 'naïve-xé'));
    assert.ok(pathMatch('a$b(c)+{d}|e.f', 'a$b(c)+{d}|e.f'));
    assert.ok(!pathMatch('a.c', 'abc'));
    assert.ok(pathMatch('日本-*', '日本-語'));
    assert.ok(pathMatch('[α-ω]-\\-', 'λ--'));
  });

  it('matches references like path.Match: `*` and `?` never cross "/"', () => {
    assert.ok(pathMatch('busybox', 'busybox'));
    assert.ok(pathMatch('busy*', 'busybox'));
    assert.ok(!pathMatch('*', 'a/b'));
    assert.ok(!pathMatch('a?b', 'a/b'));
    assert.ok(pathMatch('*/*', 'a/b'));
    assert.ok(pathMatch('b?sybox:[0-9]*', 'busybox:1.36'));
    assert.ok(!pathMatch('b[^u]sybox', 'busybox'));
    assert.ok(pathMatch('a\\*b', 'a*b'));
    assert.throws(() => pathMatch('[', 'x'), BadPatternError);
  });

  it('checks the syntax as Go does', () => {
    for (const bad of ['[', '[]', '[]a]', '[a-]', '[-a]', 'a\\', '[a', '[\\']) assert.throws(() => validatePattern(bad), BadPatternError, bad);
    for (const good of ['[a-z]', '[^a]', '[\\]]', '\\*', 'a]b', '[z-a]']) validatePattern(good);
    assert.throws(() => validatePattern('[z-a]', { rejectReversedRanges: true }), BadPatternError);
  });

  it('runs in time linear in the text, whatever the pattern', () => {
    const t = Date.now();
    assert.ok(!pathMatch('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(2000)));
    assert.ok(Date.now() - t < 5000);
  });
});
