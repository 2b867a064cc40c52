/**
 * BuildKit's word-expansion conformance cases (../shared/conformance/buildkit/shell): every A
 * and U line of envVarTest and every case of wordsTest.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../errdefs/index.js';
import { conformanceDir as found } from './parser/conformance.test.js';
import { envFrom, expandWord, expandWords } from './shell-lex.js';

describe('word expansion conformance (BuildKit shell tests)', () => {
  it('finds the conformance data', () => assert.ok(found));
  if (!found) return;
  const conformanceDir = found;

  it('envVarTest: every A and U case', (t) => {
    const env = envFrom({ PWD: '/home', SHELL: 'bash', KOREAN: '한국어', NULL: '' });
    const failures: string[] = [];
    let total = 0;
    for (const line of readFileSync(join(conformanceDir, 'shell', 'envVarTest'), 'utf8').split('\n')) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      const [platform, input, expected] = line.split('|').map((s) => s.trim()) as [string, string, string];
      if (platform === 'W') continue;
      total++;
      let got: string;
      try {
        got = expandWord(input, env).result;
      } catch (e) {
        if (!(e instanceof InvalidArgument)) throw e;
        got = 'error';
      }
      if (got !== expected) failures.push(`${input} → ${JSON.stringify(got)}, want ${JSON.stringify(expected)}`);
    }
    const summary = `envVarTest: ${total - failures.length}/${total}`;
    t.diagnostic(summary);
    console.log(summary);
    assert.deepEqual(failures, []);
  });

  it('wordsTest: every case', (t) => {
    const vars: Record<string, string> = {};
    const failures: string[] = [];
    let total = 0;
    for (const line of readFileSync(join(conformanceDir, 'shell', 'wordsTest'), 'utf8').split('\n')) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      if (line.startsWith('ENV ')) {
        const kv = line.slice(4);
        const i = kv.indexOf('=');
        vars[kv.slice(0, i)] = kv.slice(i + 1);
        continue;
      }
      const i = line.indexOf('|');
      const input = line.slice(0, i).trim();
      const expected = line.slice(i + 1).replace(/^ +/, '');
      total++;
      let got: string;
      try {
        got = expandWords(input, envFrom(vars)).words.join(',');
      } catch (e) {
        if (!(e instanceof InvalidArgument)) throw e;
        got = 'error';
      }
      if (got !== expected) failures.push(`${input} → ${JSON.stringify(got)}, want ${JSON.stringify(expected)}`);
    }
    const summary = `wordsTest: ${total - failures.length}/${total}`;
    t.diagnostic(summary);
    console.log(summary);
    assert.deepEqual(failures, []);
  });

  it('reports which variables a word used', () => {
    const r = expandWord('${A}-$B-${C:-x}', envFrom({ A: '1', B: '2' }));
    assert.equal(r.result, '1-2-x');
    assert.deepEqual([...r.matched].sort(), ['A', 'B']);
    assert.deepEqual([...r.unmatched], ['C']);
  });

  it('supports the pattern forms', () => {
    const env = envFrom({ F: 'archive.tar.gz', P: '/usr/local/bin' });
    assert.equal(expandWord('${F%.*}', env).result, 'archive.tar');
    assert.equal(expandWord('${F%%.*}', env).result, 'archive');
    assert.equal(expandWord('${F#*.}', env).result, 'tar.gz');
    assert.equal(expandWord('${F##*.}', env).result, 'gz');
    assert.equal(expandWord('${P/local/opt}', env).result, '/usr/opt/bin');
    assert.equal(expandWord('${P//\\//:}', env).result, ':usr:local:bin');
  });

  it('honours the backtick escape', () => {
    assert.equal(expandWord('a`$B', envFrom({ B: 'x' }), '`').result, 'a$B');
  });
});
