import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerIgnore, parseDockerignore } from './dockerignore.js';

describe('.dockerignore', () => {
  it('cleans patterns and skips comments and blanks', () => {
    const p = parseDockerignore('# comment\n\n/foo/../bar/\n ./baz \n!keep\n');
    assert.deepEqual(p.map((x) => [x.pattern, x.exclusion]), [['bar', false], ['baz', false], ['keep', true]]);
  });

  it('excludes children of an excluded directory', () => {
    const d = DockerIgnore.fromText('node_modules\n');
    assert.equal(d.excludes('node_modules'), true);
    assert.equal(d.excludes('node_modules/a/b.js'), true);
    assert.equal(d.excludes('src/node_modules'), false);
  });

  it('matches ** across directories and * within one', () => {
    const d = DockerIgnore.fromText('**/*.go\n*.md\n');
    assert.equal(d.excludes('a.go'), true);
    assert.equal(d.excludes('x/y/z.go'), true);
    assert.equal(d.excludes('README.md'), true);
    assert.equal(d.excludes('docs/README.md'), false);
  });

  it('applies exceptions in order, including re-inclusion inside an excluded directory', () => {
    const d = DockerIgnore.fromText('docs\n!docs/keep.md\n');
    assert.equal(d.excludes('docs/other.md'), true);
    assert.equal(d.excludes('docs/keep.md'), false);
    assert.equal(d.canSkipDir('docs'), false);
    const again = DockerIgnore.fromText('*.txt\n!important.txt\nimportant.txt\n');
    assert.equal(again.excludes('important.txt'), true);
    const back = DockerIgnore.fromText('*\n!src\nsrc/*.tmp\n');
    assert.equal(back.excludes('src/a.ts'), false);
    assert.equal(back.excludes('src/a.tmp'), true);
    assert.equal(back.excludes('other'), true);
  });

  it('can exclude the Dockerfile and .dockerignore themselves (the caller still sends them)', () => {
    const d = DockerIgnore.fromText('Dockerfile\n.dockerignore\n');
    assert.equal(d.excludes('Dockerfile'), true);
    assert.equal(d.excludes('.dockerignore'), true);
  });

  it('lets a directory be skipped only when no exception can reach inside it', () => {
    const d = DockerIgnore.fromText('build\ncache\n!cache/keep\n');
    assert.equal(d.canSkipDir('build'), true);
    assert.equal(d.canSkipDir('cache'), false);
    assert.equal(d.canSkipDir('src'), false);
  });

  it('supports ? and character classes and escapes', () => {
    const d = DockerIgnore.fromText('file?.txt\n[a-c].log\nweird\\*name\n');
    assert.equal(d.excludes('file1.txt'), true);
    assert.equal(d.excludes('file12.txt'), false);
    assert.equal(d.excludes('b.log'), true);
    assert.equal(d.excludes('d.log'), false);
    assert.equal(d.excludes('weird*name'), true);
    assert.equal(d.excludes('weirdXname'), false);
  });
});
