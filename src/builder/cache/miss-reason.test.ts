/** Golden lines for each kind of cache miss reason. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CacheKeyParts } from '../cache-key.js';
import { missReason, type MissFacts, type StepInputs } from './miss-reason.js';

const A = `sha256:${'3f2a'.padEnd(64, '0')}`;
const B = `sha256:${'91c0'.padEnd(64, '1')}`;

function parts(p: Partial<CacheKeyParts> = {}): CacheKeyParts {
  return { parent: 'sha256:parent', instruction: 'RUN ["/bin/sh","-c","make"]', args: [], sources: [], config: 'sha256:cfg', extra: [], ...p };
}
const facts = (f: Partial<MissFacts> = {}): MissFacts => ({ noCache: false, first: false, ...f });
const line = (now: StepInputs, last: StepInputs | undefined, f?: Partial<MissFacts>) => {
  const r = missReason(now, last, facts(f));
  return `${r.kind}: ${r.text}`;
};

describe('cache miss reasons (golden, one per kind)', () => {
  const copy = (digest: string, files: Record<string, string>): StepInputs => ({
    parts: parts({ instruction: `COPY dir:${digest.slice(7)} in /app `, sources: [{ path: 'src', checksum: `dir:${digest.slice(7)}` }] }),
    files: { src: { src: '', ...files } },
  });

  it('no-cache', () => {
    assert.equal(line({ parts: parts() }, { parts: parts() }, { noCache: true }), 'no-cache: --no-cache');
  });
  it('parent (an earlier step missed)', () => {
    assert.equal(line({ parts: parts() }, undefined, { earlierMiss: 3 }), 'parent: parent changed (step 3 missed)');
  });
  it('parent (the base image changed)', () => {
    assert.equal(line({ parts: parts({ parent: A }) }, { parts: parts({ parent: B }) }, { first: true }), 'parent: parent changed (base image changed)');
    assert.equal(line({ parts: parts({ parent: A }) }, { parts: parts({ parent: B }) }), 'parent: parent changed (an earlier step used another cached image)');
  });
  it('new', () => {
    assert.equal(line({ parts: parts() }, undefined), 'new: no earlier build of this step');
  });
  it('file (changed, added, removed)', () => {
    const x = { 'src/main.go': A, 'src/util.go': A };
    assert.equal(line(copy(B, { 'src/main.go': B, 'src/util.go': A }), copy(A, x)), 'file: file src/main.go changed (sha256 3f2a… → 91c0…)');
    assert.equal(line(copy(B, { ...x, 'src/new.go': B }), copy(A, x)), 'file: file src/new.go added');
    assert.equal(line(copy(B, { 'src/util.go': A }), copy(A, x)), 'file: file src/main.go removed');
  });
  it('source (files not known)', () => {
    const now = { parts: parts({ sources: [{ path: 'bin/app', checksum: `file:${B.slice(7)}` }], extra: [['from', A]] }) };
    const last = { parts: parts({ sources: [{ path: 'bin/app', checksum: `file:${A.slice(7)}` }], extra: [['from', A]] }) };
    assert.equal(line(now, last), 'source: source bin/app changed (sha256 3f2a… → 91c0…)');
  });
  it('arg (changed, set, unset)', () => {
    const v = (x?: string): StepInputs => ({ parts: parts({ args: x === undefined ? [] : [['VERSION', x]], instruction: `RUN ${x ?? ''}` }) });
    assert.equal(line(v('1.3'), v('1.2')), 'arg: build arg VERSION changed (1.2 → 1.3)');
    assert.equal(line(v('1.3'), v()), 'arg: build arg VERSION set (1.3)');
    assert.equal(line(v(), v('1.2')), 'arg: build arg VERSION unset (was 1.2)');
  });
  it('instruction', () => {
    assert.equal(line({ parts: parts({ instruction: 'RUN make all' }) }, { parts: parts() }), 'instruction: instruction changed');
    // Another source path is another instruction, not a changed file.
    assert.equal(line(copy(A, {}), { parts: parts({ sources: [{ path: 'lib', checksum: 'dir:0' }] }) }), 'instruction: instruction changed');
  });
  it('input', () => {
    assert.equal(line({ parts: parts({ extra: [['network', 'none']] }) }, { parts: parts({ extra: [['network', 'host']] }) }), 'input: network changed (host → none)');
    assert.equal(line({ parts: parts({ extra: [['from', B]] }) }, { parts: parts({ extra: [['from', A]] }) }), 'input: from changed (3f2a… → 91c0…)');
  });
  it('config', () => {
    assert.equal(line({ parts: parts({ config: 'sha256:new' }) }, { parts: parts() }), 'config: config changed (an earlier ENV, USER, SHELL, … of this stage)');
  });
  it('removed', () => {
    assert.equal(line({ parts: parts() }, { parts: parts() }), 'removed: cached result gone (image removed, or the last build of this step failed)');
  });
});
