/**
 * BuildKit's parser conformance cases (../shared/conformance/buildkit/parser): every positive
 * case must dump exactly to its `result`, every negative case must fail with a LocationError.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { conformanceDir as found } from '../../../test/helpers/conformance.js';
import { LocationError } from '../../errdefs/index.js';
import { dumpNode } from './node.js';
import { parse } from './parser.js';

describe('parser conformance (BuildKit testfiles)', () => {
  it('finds the conformance data', () => {
    assert.ok(found, 'shared/conformance/buildkit not found beside the repository');
  });
  if (!found) return;
  const conformanceDir = found;
  const positive = readdirSync(join(conformanceDir, 'parser', 'testfiles')).sort();
  const negative = readdirSync(join(conformanceDir, 'parser', 'testfiles-negative')).sort();
  let passedPositive = 0;
  let passedNegative = 0;

  for (const name of positive) {
    it(`positive: ${name}`, () => {
      const dir = join(conformanceDir, 'parser', 'testfiles', name);
      const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      const expected = readFileSync(join(dir, 'result'), 'utf8');
      const got = parse(text).nodes.map((n) => `(${dumpNode(n)})\n`).join('');
      assert.equal(got, expected);
      passedPositive++;
    });
  }
  for (const name of negative) {
    it(`negative: ${name}`, () => {
      const text = readFileSync(join(conformanceDir, 'parser', 'testfiles-negative', name, 'Dockerfile'), 'utf8');
      assert.throws(() => parse(text), LocationError);
      passedNegative++;
    });
  }
  it('prints the counts', (t) => {
    const line = `parser conformance: ${passedPositive}/${positive.length} positive, ${passedNegative}/${negative.length} negative`;
    t.diagnostic(line);
    console.log(line);
    assert.equal(passedPositive, positive.length);
    assert.equal(passedNegative, negative.length);
  });
});
