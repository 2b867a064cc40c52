import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { areaOf, checkLayers, checkRuntimeContract, scanImports, type Violation } from './layering.js';

// Compiled to dist/src/layering.test.js; the sources are at <root>/src.
const srcDir = fileURLToPath(new URL('../../src', import.meta.url));

function report(vs: Violation[]): string {
  return vs.map((v) => `  ${v.where}: ${v.from} → ${v.to} (${v.specifier})`).join('\n');
}

describe('layering', () => {
  it('src/ imports only down the layers of DESIGN.md', () => {
    const vs = checkLayers(srcDir);
    assert.equal(vs.length, 0, `imports against the layer order (DESIGN.md "Layout and dependency direction"):\n${report(vs)}`);
  });

  it('outside runtime/ and daemon/, the runtime is reached only through runtime/types.ts', () => {
    const vs = checkRuntimeContract(srcDir);
    assert.equal(vs.length, 0, `imports of runtime internals:\n${report(vs)}`);
  });

  it('the runtime-contract check names an import of a runtime internal, and lets the contract and tests through', () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-contract-'));
    try {
      const put = (rel: string, text: string) => {
        mkdirSync(dirname(join(root, rel)), { recursive: true });
        writeFileSync(join(root, rel), text);
      };
      put('runtime/types.ts', 'export interface R { a: number }\n');
      put('runtime/runc.ts', 'export const runc = 1;\n');
      put('engine/ok.ts', "import type { R } from '../runtime/types.js';\nexport type X = R;\n");
      put('engine/bad.ts', "export const y = 1;\nimport { runc } from '../runtime/runc.js';\nexport const x = runc;\n");
      put('engine/bad.test.ts', "import { runc } from '../runtime/runc.js';\nexport const x = runc;\n");
      put('daemon/wire.ts', "import { runc } from '../runtime/runc.js';\nexport const w = runc;\n");
      assert.deepEqual(checkRuntimeContract(root).map((v) => `${v.where} ${v.to}`), ['engine/bad.ts:2 runtime/runc.ts']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  describe('on a fixture tree', () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-layering-'));
    after(() => rmSync(root, { recursive: true, force: true }));
    const write = (rel: string, text: string) => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    write('util/u.ts', 'export const u = 1;\n');
    write('errdefs/index.ts', 'export class E extends Error {}\n');
    write('api/types/wire.ts', 'export interface W { a: string }\nexport const LIMIT = 3;\n');
    write('api/routes.ts', "import { run } from '../engine/use.js';\nexport const r = run;\n");
    write('cli/main.ts', "import { parse } from '../client/parse.js';\nexport const m = parse;\n");
    write('client/parse.ts', "export const parse = 1;\n");
    write(
      'engine/use.ts',
      [
        "import { u } from '../util/u.js';",
        "import { E } from '../errdefs/index.js';",
        "import type { W } from '../api/types/wire.js';",
        "import {",
        "  LIMIT,",
        "} from '../api/types/wire.js';",
        "// import { r } from '../api/routes.js';",
        "export { r as again } from '../api/routes.js';",
        "export async function run(): Promise<W | undefined> {",
        "  const m = await import('../cli/main.js');",
        "  return u + LIMIT + String(E) + m.m ? undefined : undefined;",
        "}",
        '',
      ].join('\n'),
    );
    write('engine/use.test.ts', "import { m } from '../cli/main.js';\nexport const t = m;\n");
    write('daemon/main.ts', "import { parse } from '../client/parse.js';\nimport { run } from '../engine/use.js';\nexport const d = [parse, run];\n");
    write('dockerfile/parse.ts', "import type { Stats } from 'node:fs';\nimport { readFileSync } from 'node:fs';\nexport const p = (s: Stats) => [s, readFileSync];\n");

    it('reports each upward import and each I/O import of a pure area with file:line, and nothing else', () => {
      const vs = checkLayers(root);
      assert.deepEqual(
        vs.map((v) => `${v.where} ${v.from}→${v.to}`),
        [
          'daemon/main.ts:1 daemon/→client/',
          'dockerfile/parse.ts:2 dockerfile/→(not pure)',
          'engine/use.ts:6 engine/→api/types/',
          'engine/use.ts:8 engine/→api/',
          'engine/use.ts:10 engine/→cli/',
        ],
        report(vs),
      );
    });

    it('passes once the upward imports are gone', () => {
      write('daemon/main.ts', "import { run } from '../engine/use.js';\nexport const d = [run];\n");
      write('dockerfile/parse.ts', "import { u } from '../util/u.js';\nexport const p = u;\n");
      write('engine/use.ts', "import type { W } from '../api/types/wire.js';\nimport { u } from '../util/u.js';\nexport const run = (w: W) => w.a + u;\n");
      assert.deepEqual(checkLayers(root), []);
    });
  });

  it('reads every import form with its line and whether it is type-only', () => {
    const text = [
      "import a from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, type D } from './c.js'; // still loads c.js",
      "import { type E, f } from './e.js';",
      "export * from './g.js';",
      "export type { H } from './h.js';",
      "import './side-effect.js';",
      "const x = await import('./dyn.js');",
      "/* a comment: import('./not-an-import.js') */",
      "import {",
      "  multi,",
      "} from './multi.js';",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    assert.deepEqual(
      scanImports(text).map((e) => `${e.line} ${e.specifier}${e.typeOnly ? ' type' : ''}`),
      [
        '1 ./a.js',
        '2 ./b.js type',
        '3 ./c.js',
        '4 ./e.js',
        '5 ./g.js',
        '6 ./h.js type',
        '7 ./side-effect.js',
        '8 ./dyn.js',
        '12 ./multi.js',
        '13 node:fs',
      ],
    );
  });

  it('places a file in the longest area that prefixes it', () => {
    assert.equal(areaOf('builder/plan/plan.ts'), 'builder/plan/');
    assert.equal(areaOf('builder/solver/run-build.ts'), 'builder/');
    assert.equal(areaOf('api/types/build.ts'), 'api/types/');
    assert.equal(areaOf('store/layers/types.ts'), 'store/layers/');
    assert.equal(areaOf('layering.ts'), undefined);
  });
});
