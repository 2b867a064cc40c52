/**
 * COPY --parents and COPY/ADD --exclude (BuildKit's semantics) in berth's classic builder:
 * golden tests. Each case builds `FROM scratch` + one COPY over the same context and compares
 * the image's file list with test/golden/copy-select/<case>.txt (regenerate with
 * BERTH_UPDATE_GOLDEN=1).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, imageFiles, type BuildDaemon } from './build-fixture.js';

const goldenDir = join(fileURLToPath(import.meta.url), '..', '..', '..', 'test', 'golden', 'copy-select');

const context = {
  'README.md': 'readme\n',
  'notes.txt': 'notes\n',
  'src/app/main.go': 'main\n',
  'src/app/main_test.go': 'test\n',
  'src/lib/util.go': 'util\n',
  'src/lib/node_modules/dep.js': 'dep\n',
  'src/lib/data/big.bin': 'big\n',
  'packages/a/package.json': '{"a":1}\n',
  'packages/a/index.js': 'a\n',
  'packages/b/package.json': '{"b":1}\n',
  'apps/web/package.json': '{"web":1}\n',
};

const cases: Record<string, string> = {
  'parents-wildcards': 'COPY --parents packages/*/package.json apps/*/package.json /app/',
  'parents-pivot': 'COPY --parents ./src/./app/*.go /out/',
  'parents-dir': 'COPY --parents src/lib /keep/',
  'exclude-dir-source': 'COPY --exclude=**/*_test.go --exclude=lib/node_modules src/ /src/',
  'exclude-anchored': 'COPY --exclude=*_test.go --exclude=node_modules src/ /anchored/',
  'exclude-wildcard-source': 'COPY --exclude=*.txt *.md *.txt /top/',
  'exclude-nested-pattern': 'COPY --exclude=**/data --exclude=lib/*.go src /s/',
  'exclude-with-parents': 'COPY --parents --exclude=index.js packages/* /p/',
  'add-exclude': 'ADD --exclude=*.json packages/a /add/',
};

function listing(files: Map<string, { type: string; content?: string }>): string {
  return `${[...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, f]) => `${f.type === 'dir' ? 'd' : 'f'} ${p}${f.content !== undefined ? ` ${JSON.stringify(f.content)}` : ''}`).join('\n')}\n`;
}

describe('berth build: COPY --parents / --exclude (golden)', () => {
  let b: BuildDaemon;
  let dir: string;
  before(async () => {
    b = await buildDaemon();
    dir = b.context({ ...context, Dockerfile: 'FROM scratch\n' });
  });
  after(async () => {
    await b.cleanup();
  });

  for (const [name, line] of Object.entries(cases)) {
    it(`${name}: ${line}`, async () => {
      writeFileSync(join(dir, 'Dockerfile'), `FROM scratch\n${line}\n`);
      const tag = `copysel:${name}`;
      const r = await b.build(dir, ['-t', tag]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const got = listing(await imageFiles(b.d, tag));
      const file = join(goldenDir, `${name}.txt`);
      if (process.env.BERTH_UPDATE_GOLDEN === '1') writeFileSync(file, got);
      assert.ok(existsSync(file), `golden file ${file} missing: run with BERTH_UPDATE_GOLDEN=1`);
      assert.equal(got, readFileSync(file, 'utf8'));
    });
  }

  it('the flags are part of the cache key', async () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY src /s/\n');
    assert.equal((await b.build(dir)).code, 0);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY --exclude=app src /s/\n');
    const r = await b.build(dir, ['-t', 'copysel:key']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('Using cache'));
    assert.ok(!(await imageFiles(b.d, 'copysel:key')).has('/s/app'));
  });
});
