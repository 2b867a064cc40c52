import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDockerfile } from './check.js';

describe('checkDockerfile', () => {
  it('finds nothing in a clean Dockerfile', () => {
    assert.deepEqual(checkDockerfile('FROM busybox AS build\nRUN true\nCMD ["sh"]\n', 'Dockerfile'), []);
  });

  it('reports parse errors with their line', () => {
    assert.deepEqual(checkDockerfile('FROM x\nCOPPY a b\n', 'Dockerfile'), [{ line: 2, message: 'dockerfile parse error on line 2: unknown instruction: COPPY' }]);
  });

  it('reports Docker lint rules', () => {
    const p = checkDockerfile('FROM x as Build\nMAINTAINER me\nCMD echo\nCMD ["a"]\nENV A b\nWORKDIR rel\n', 'Dockerfile');
    const rules = p.map((x) => `${x.line}:${x.message.split(':')[0]}`);
    assert.deepEqual(rules, [
      '1:FromAsCasing', '1:StageNameCasing', '2:MaintainerDeprecated', '3:JSONArgsRecommended', '3:MultipleInstructionsDisallowed',
      '5:LegacyKeyValueFormat', '6:WorkdirRelativePath',
    ]);
  });
});
