/**
 * @module layering
 * The dependency direction of ../shared/DESIGN.md ("Layout and dependency direction"), as
 * data, and a checker that reads every non-test import under src/ and reports each edge that
 * goes against it. Used by src/layering.test.ts; it ships nothing.
 *
 * Terms:
 * - *area*: a directory prefix under src/ (`store/layers/`); a file belongs to the longest
 *   area that prefixes its path.
 * - *edge*: one import of a relative module specifier (static `import … from`, `export … from`,
 *   `import type`, side-effect `import '…'`, and `import('…')` with a literal string).
 *   Package and `node:` imports are not edges between areas.
 * - An edge is allowed when it stays in its area, goes to an open area (util/, errdefs/), or
 *   goes to an area the source area's rule lists. A rule may allow an area for types only:
 *   then the edge must be `import type` / `export type`.
 * - A pure area (dockerfile/, image/) may import only the packages and Node built-ins its
 *   rule lists.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

/** What one area may import besides itself and the open areas. */
export interface AreaRule {
  /** Areas it may import (values and types). `'*'` means every area. */
  imports: readonly string[];
  /** Areas it may import with `import type` only. */
  typesOnly?: readonly string[];
  /**
   * For a pure area (no I/O): the only packages and Node built-ins it may import. Absent: any.
   */
  externals?: readonly string[];
}

/** Areas every file may import. */
export const OPEN_AREAS: readonly string[] = ['util/', 'errdefs/'];

/**
 * DESIGN.md's list, top to bottom, with what each area may import. Where this is more precise
 * than DESIGN's arrows:
 * - cli/ may use the pure dockerfile/ (`.dockerignore` for the context it sends, `build
 *   --check`) and image/ (reference syntax), as the docker CLI does;
 * - api/types/ is a leaf of wire shapes and declares types only: every importer uses
 *   `import type`. Besides cli/, client/ and api/, engine/ may import from it the shapes its
 *   records follow, and builder/ its progress events (which the API sends as they are);
 * - in the builder only plan/ sees dockerfile/; the rest of builder/ may use plan/'s output;
 * - store/gc/ may use image/ (digests), as every store/ area does.
 */
export const LAYERS: Readonly<Record<string, AreaRule>> = {
  'cli/': { imports: ['client/', 'dockerfile/', 'image/'], typesOnly: ['api/types/'] },
  'client/': { imports: [], typesOnly: ['api/types/'] },
  'daemon/': {
    imports: ['api/', 'engine/', 'builder/', 'dockerfile/', 'registry/', 'network/', 'runtime/', 'store/', 'image/'],
    typesOnly: ['api/types/'],
  },
  'api/': { imports: ['engine/'], typesOnly: ['api/types/'] },
  'api/types/': { imports: [] },
  'engine/': {
    imports: ['builder/', 'registry/', 'network/', 'runtime/', 'store/', 'image/'],
    typesOnly: ['api/types/'],
  },
  'builder/plan/': {
    imports: ['builder/', 'dockerfile/', 'registry/', 'network/', 'runtime/', 'store/', 'image/'],
    typesOnly: ['api/types/'],
  },
  'builder/': {
    imports: ['builder/plan/', 'registry/', 'network/', 'runtime/', 'store/', 'image/'],
    typesOnly: ['api/types/'],
  },
  'dockerfile/': { imports: [], externals: [] },
  'registry/': { imports: ['store/content/', 'image/'] },
  'network/': { imports: [] },
  'runtime/': { imports: ['image/'] },
  'store/gc/': { imports: ['store/', 'image/'] },
  'store/images/': { imports: ['store/content/', 'image/'] },
  'store/layers/': { imports: ['store/content/', 'image/'] },
  'store/content/': { imports: ['image/'] },
  'image/': { imports: [], externals: ['node:crypto'] },
  'util/': { imports: [] },
  'errdefs/': { imports: [] },
};

/** One import found in a source text. */
export interface ImportEdge {
  specifier: string;
  /** 1-based line of the specifier. */
  line: number;
  typeOnly: boolean;
}

/** A file under a test-only place: `*.test.ts`, or anything under a `testing/` directory. */
export function isTestFile(relPath: string): boolean {
  return relPath.endsWith('.test.ts') || relPath.split('/').includes('testing');
}

const STATIC_FROM = /^[ \t]*(import|export)\b([^;()=]*?)\bfrom\s*(['"])([^'"\n]+)\3/gm;
const SIDE_EFFECT = /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm;
const DYNAMIC = /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function inComment(text: string, index: number): boolean {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  const before = text.slice(start, index).trimStart();
  return before.startsWith('//') || before.startsWith('*') || before.startsWith('/*');
}

/** The imports of one TypeScript source text, in order of appearance. */
export function scanImports(text: string): ImportEdge[] {
  const found: { index: number; edge: ImportEdge }[] = [];
  for (const m of text.matchAll(STATIC_FROM)) {
    const clause = m[2]!;
    // Only `import type` / `export type` is erased: `import { type A }` still loads the module
    // under verbatimModuleSyntax, so it counts as a value import.
    const typeOnly = /^\s*type\b/.test(clause);
    const index = m.index! + m[0].lastIndexOf(m[4]!);
    found.push({ index, edge: { specifier: m[4]!, line: lineAt(text, index), typeOnly } });
  }
  for (const m of text.matchAll(SIDE_EFFECT)) {
    const index = m.index! + m[0].lastIndexOf(m[2]!);
    found.push({ index, edge: { specifier: m[2]!, line: lineAt(text, index), typeOnly: false } });
  }
  for (const m of text.matchAll(DYNAMIC)) {
    if (inComment(text, m.index!)) continue;
    const index = m.index! + m[0].lastIndexOf(m[2]!);
    found.push({ index, edge: { specifier: m[2]!, line: lineAt(text, index), typeOnly: false } });
  }
  return found.sort((a, b) => a.index - b.index).map((f) => f.edge);
}

/** The area of a path relative to src/ (`engine/images/list.ts` → `engine/`), or undefined. */
export function areaOf(relPath: string, layers: Readonly<Record<string, AreaRule>> = LAYERS): string | undefined {
  let best: string | undefined;
  for (const area of Object.keys(layers)) {
    if (relPath.startsWith(area) && (best === undefined || area.length > best.length)) best = area;
  }
  return best;
}

/** Whether an edge from area `from` to the file `toPath` is allowed. */
export function edgeAllowed(
  from: string,
  toPath: string,
  typeOnly: boolean,
  layers: Readonly<Record<string, AreaRule>> = LAYERS,
): boolean {
  const to = areaOf(toPath, layers);
  if (to === undefined) return false;
  if (to === from || OPEN_AREAS.includes(to)) return true;
  const rule = layers[from];
  if (!rule) return false;
  const reaches = (list: readonly string[]) => list.some((a) => a === '*' || toPath.startsWith(a));
  if (reaches(rule.imports)) return true;
  return typeOnly && reaches(rule.typesOnly ?? []);
}

/** One import that goes against the layers. */
export interface Violation {
  /** `engine/images/list.ts:7`, relative to the src directory. */
  where: string;
  specifier: string;
  from: string;
  to: string;
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every import of every non-test file under `srcDir`, in path order, with the importer's path relative to it. */
function* nonTestImports(srcDir: string): Generator<{ rel: string; edge: ImportEdge }> {
  for (const file of walk(srcDir, [])) {
    const rel = relative(srcDir, file).split(sep).join('/');
    if (isTestFile(rel)) continue;
    for (const edge of scanImports(readFileSync(file, 'utf8'))) yield { rel, edge };
  }
}

/** The path (relative to src/, `.ts`) a relative specifier of `rel` names. */
function targetOf(rel: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(rel), specifier)).replace(/\.js$/, '.ts');
}

/** Every non-test import under `srcDir` that goes against `layers`, in path order. */
export function checkLayers(srcDir: string, layers: Readonly<Record<string, AreaRule>> = LAYERS): Violation[] {
  const violations: Violation[] = [];
  for (const { rel, edge } of nonTestImports(srcDir)) {
    const from = areaOf(rel, layers);
    if (!edge.specifier.startsWith('.')) {
      const externals = from === undefined ? undefined : layers[from]?.externals;
      if (externals && !externals.includes(edge.specifier) && !edge.typeOnly) {
        violations.push({ where: `${rel}:${edge.line}`, specifier: edge.specifier, from: from!, to: '(not pure)' });
      }
      continue;
    }
    const target = targetOf(rel, edge.specifier);
    const escapes = target.startsWith('../');
    const to = escapes ? '(outside src)' : (areaOf(target, layers) ?? '(no area)');
    const ok = !escapes && from !== undefined && edgeAllowed(from, target, edge.typeOnly, layers);
    if (!ok) violations.push({ where: `${rel}:${edge.line}`, specifier: edge.specifier, from: from ?? '(no area)', to });
  }
  return violations;
}

/**
 * The runtime contract: outside runtime/ itself and daemon/ (which picks the implementation),
 * code reaches the runtime only through `runtime/types.ts`. Test files may use the fakes.
 */
export function checkRuntimeContract(srcDir: string): Violation[] {
  const violations: Violation[] = [];
  for (const { rel, edge } of nonTestImports(srcDir)) {
    if (rel.startsWith('runtime/') || rel.startsWith('daemon/') || !edge.specifier.startsWith('.')) continue;
    const target = targetOf(rel, edge.specifier);
    if (target.startsWith('runtime/') && target !== 'runtime/types.ts') {
      violations.push({ where: `${rel}:${edge.line}`, specifier: edge.specifier, from: areaOf(rel) ?? '(no area)', to: target });
    }
  }
  return violations;
}
