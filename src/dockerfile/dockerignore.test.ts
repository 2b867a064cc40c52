import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../errdefs/index.js';
import { DockerIgnore, parseDockerignore, readDockerignore, trimBuildFilesFromExcludes } from './dockerignore.js';
import { validatePattern } from './dockerignore-pattern.js';
import { cleanPath } from '../util/go-path.js';

const ignore = (text: string) => DockerIgnore.fromText(text);

describe('.dockerignore: reading', () => {
  it('cleans patterns like filepath.Clean, drops a leading /, skips comments and blanks', () => {
    const text = '\ufeff# comment\n\n/foo/../bar/\n ./baz \r\n!  /keep//me\n  # not a comment\na/./b/../c\n';
    assert.deepEqual(readDockerignore(text), ['bar', 'baz', '!keep/me', '# not a comment', 'a/c']);
    assert.deepEqual(parseDockerignore('!x\ny\n'), [{ pattern: 'x', exclusion: true }, { pattern: 'y', exclusion: false }]);
  });

  it('Go path cleaning', () => {
    assert.deepEqual(['', '/', '//a//b/', 'a/../..', '/../a', './', 'a/./b/.'].map(cleanPath), ['.', '/', '/a/b', '..', '/a', '.', 'a/b']);
  });

  it('rejects malformed patterns as filepath.Match does', () => {
    for (const bad of ['[', '[]', '[a', '[a-', '[-a]', 'a\\', '[^]']) {
      assert.throws(() => validatePattern(bad), InvalidArgument, bad);
    }
    for (const good of ['[a-z]', '[^a]', '[\\]]', '\\*', 'a]b', '**/x']) validatePattern(good);
    assert.throws(() => parseDockerignore('!\n'), /illegal exclusion pattern: "!"/);
  });
});

describe('.dockerignore: matching', () => {
  it('a path is excluded when it or a parent directory matches', () => {
    const d = ignore('node_modules\nbuild/\n');
    assert.equal(d.excludes('node_modules'), true);
    assert.equal(d.excludes('node_modules/a/b.js'), true);
    assert.equal(d.excludes('build/x'), true);
    assert.equal(d.excludes('src/node_modules'), false);
    assert.equal(d.excludes('./node_modules/x'), true, 'paths are normalized');
    assert.equal(d.excludes('.'), false, 'the context itself is never excluded');
  });

  it('** crosses directories, * and ? stay within one, classes and escapes', () => {
    const d = ignore('**/*.go\n*.md\nfile?.txt\n[a-c].log\nweird\\*name\nlogs/**\n**/tmp\n');
    assert.deepEqual(
      ['a.go', 'x/y/z.go', 'README.md', 'docs/README.md', 'file1.txt', 'file12.txt', 'b.log', 'd.log', 'weird*name', 'weirdXname',
        'logs/a/b', 'logs', 'a/b/tmp', 'tmp', 'a/tmpx'].map((p) => [p, d.excludes(p)]),
      [['a.go', true], ['x/y/z.go', true], ['README.md', true], ['docs/README.md', false], ['file1.txt', true], ['file12.txt', false],
        ['b.log', true], ['d.log', false], ['weird*name', true], ['weirdXname', false], ['logs/a/b', true], ['logs', false],
        ['a/b/tmp', true], ['tmp', true], ['a/tmpx', false]],
    );
    assert.equal(ignore('a/**/b\n').excludes('a/b'), true);
    assert.equal(ignore('a/**/b\n').excludes('a/x/y/b'), true);
  });

  it('exceptions apply in order: re-inclusion, exclusion again, inside an excluded directory', () => {
    const d = ignore('docs\n!docs/keep.md\n');
    assert.equal(d.excludes('docs/other.md'), true);
    assert.equal(d.excludes('docs/keep.md'), false);
    assert.equal(d.excludes('docs'), true);
    assert.equal(ignore('*.txt\n!important.txt\nimportant.txt\n').excludes('important.txt'), true);
    const back = ignore('*\n!src\nsrc/*.tmp\n');
    assert.equal(back.excludes('src/a.ts'), false);
    assert.equal(back.excludes('src/deep/a.ts'), false);
    assert.equal(back.excludes('src/a.tmp'), true);
    assert.equal(back.excludes('other'), true);
    const nested = ignore('a\n!a/b\na/b/c\n');
    assert.deepEqual(['a/x', 'a/b', 'a/b/y', 'a/b/c', 'a/b/c/z'].map((p) => d && nested.excludes(p)), [true, false, false, true, true]);
  });

  it('tells when a directory can be skipped entirely', () => {
    const d = ignore('build\ncache\n!cache/keep\nvendor\n!**/*.go\nout\n!out*/x\n');
    assert.equal(d.canSkipDir('build'), false, '!**/*.go may re-include something anywhere');
    const simple = ignore('build\ncache\n!cache/keep\ndist/**\n!dist/a/*.js\n');
    assert.equal(simple.canSkipDir('build'), true);
    assert.equal(simple.canSkipDir('cache'), false);
    assert.equal(simple.canSkipDir('src'), false, 'not excluded at all');
    assert.equal(simple.canSkipDir('dist/b'), true);
    assert.equal(simple.canSkipDir('dist/a'), false);
    assert.equal(ignore('*\n!*/keep\n').canSkipDir('x'), false);
    assert.equal(ignore('x\n!y/keep\n').canSkipDir('x'), true);
  });

  it('the Dockerfile and .dockerignore may be excluded; the CLI still sends them and the daemon hides them', () => {
    const d = ignore('Dockerfile\n.dockerignore\n*.md\n');
    assert.equal(d.excludes('Dockerfile'), true);
    assert.equal(d.excludes('.dockerignore'), true);
    assert.deepEqual(d.buildFilesToHide(), ['.dockerignore', 'Dockerfile']);
    assert.deepEqual(trimBuildFilesFromExcludes(['Dockerfile', '.dockerignore', '*.md']), ['Dockerfile', '.dockerignore', '*.md', '!.dockerignore', '!Dockerfile']);
    const sent = new DockerIgnore(parseDockerignore(trimBuildFilesFromExcludes(readDockerignore('*\n'), 'build/Dockerfile').join('\n')));
    assert.equal(sent.excludes('build/Dockerfile'), false);
    assert.equal(sent.excludes('.dockerignore'), false);
    assert.equal(sent.excludes('build/other'), true);
    assert.deepEqual(ignore('*.md\n').buildFilesToHide(), []);
  });
});
