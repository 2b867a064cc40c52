/**
 * The BuildKit conformance suites (../shared/conformance/buildkit beside the repository; see
 * its NOTICE): every positive parser case must dump exactly to its `result`, every negative
 * case must fail with a LocationError; every A and U line of shell/envVarTest and every case of
 * shell/wordsTest must expand as expected. A missing conformance directory fails the tests.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { InvalidArgument, LocationError } from '../errdefs/index.js';
import { dumpAst } from './ast-dump.js';
import { parse } from './parser/parser.js';
import { envFrom } from './shell-env.js';
import { ShellLex } from './shell-lex.js';

// The compiled test is dist/src/dockerfile/conformance.test.js: the repository root is three
// levels up, and shared/ is its sibling.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const conformanceDir = join(repoRoot, '..', 'shared', 'conformance', 'buildkit');
const parserDir = join(conformanceDir, 'parser');
const shellDir = join(conformanceDir, 'shell');

function readConformance(name: string): string {
  const p = join(shellDir, name);
  assert.ok(existsSync(p), `conformance file missing: ${p}`);
  return readFileSync(p, 'utf8');
}

describe('parser conformance (BuildKit testfiles)', () => {
  it('every positive case dumps to its result; every negative case is an error', (t) => {
    assert.ok(existsSync(parserDir), `conformance data missing: ${parserDir}`);
    const positive = readdirSync(join(parserDir, 'testfiles')).sort();
    const negative = readdirSync(join(parserDir, 'testfiles-negative')).sort();
    const failures: string[] = [];
    let okPositive = 0;
    let okNegative = 0;
    for (const name of positive) {
      const dir = join(parserDir, 'testfiles', name);
      const expected = readFileSync(join(dir, 'result'), 'utf8');
      try {
        const got = dumpAst(parse(readFileSync(join(dir, 'Dockerfile'), 'utf8')));
        if (got === expected) okPositive++;
        else failures.push(`${name}:\n--- want\n${expected}--- got\n${got}`);
      } catch (e) {
        failures.push(`${name}: ${(e as Error).message}`);
      }
    }
    for (const name of negative) {
      try {
        parse(readFileSync(join(parserDir, 'testfiles-negative', name, 'Dockerfile'), 'utf8'));
        failures.push(`${name}: parsed without error`);
      } catch (e) {
        if (e instanceof LocationError && e.line >= 1) okNegative++;
        else failures.push(`${name}: wrong error ${String(e)}`);
      }
    }
    const summary = `parser conformance: ${okPositive}/${positive.length} positive, ${okNegative}/${negative.length} negative`;
    t.diagnostic(summary);
    console.log(summary);
    assert.deepEqual(failures, []);
    assert.ok(positive.length >= 30 && negative.length >= 4);
  });
});

describe('word expansion conformance (BuildKit shell tests)', () => {
  it('envVarTest: every A and U line', (t) => {
    const env = envFrom(['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL=']);
    const lex = new ShellLex();
    let total = 0;
    let passed = 0;
    const failures: string[] = [];
    for (const raw of readConformance('envVarTest').split('\n')) {
      if (raw.startsWith('#')) continue;
      const line = raw.trim();
      if (line === '') continue;
      const fields = line.split('|');
      assert.equal(fields.length, 3, `bad line ${line}`);
      const [platform, source, expected] = fields.map((f) => f.trim()) as [string, string, string];
      if (platform === 'W') continue;
      total++;
      let got: string;
      try {
        got = lex.processWord(source, env);
      } catch (e) {
        assert.ok(e instanceof InvalidArgument);
        got = 'error';
      }
      if (got === expected) passed++;
      else failures.push(`${source}: want ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
    }
    const summary = `envVarTest: ${passed}/${total}`;
    t.diagnostic(summary);
    console.log(summary);
    assert.deepEqual(failures, []);
    assert.ok(total > 200);
  });

  it('wordsTest: every case', (t) => {
    const envs: string[] = [];
    const lex = new ShellLex();
    let total = 0;
    let passed = 0;
    const failures: string[] = [];
    for (const line of readConformance('wordsTest').split('\n')) {
      if (line.startsWith('#') || line === '') continue;
      if (line.startsWith('ENV ')) {
        envs.push(line.slice(3).replace(/^ +/, ''));
        continue;
      }
      const fields = line.split('|');
      assert.equal(fields.length, 2, `bad line ${line}`);
      const source = fields[0]!.trim();
      const expected = fields[1]!.replace(/^ +/, '').split(',');
      total++;
      let got: string[];
      try {
        got = lex.processWords(source, envFrom(envs));
      } catch {
        got = ['error'];
      }
      if (JSON.stringify(got) === JSON.stringify(expected)) passed++;
      else failures.push(`${source}: want ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
    }
    const summary = `wordsTest: ${passed}/${total}`;
    t.diagnostic(summary);
    console.log(summary);
    assert.deepEqual(failures, []);
    assert.ok(total > 20);
  });
});
