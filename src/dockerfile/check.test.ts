import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDockerfile } from './check.js';

const rules = (text: string) => checkDockerfile(text, 'Dockerfile').map((p) => `${p.line}:${p.rule ?? p.message}`);

describe('checkDockerfile', () => {
  it('finds nothing in a clean Dockerfile', () => {
    assert.deepEqual(checkDockerfile('FROM busybox AS build\nRUN true\nCMD ["sh"]\n', 'Dockerfile'), []);
    assert.deepEqual(checkDockerfile('ARG V=1\nFROM alpine:$V\nARG V\nENV X=$V\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["x"]\n', 'Dockerfile'), []);
  });

  it('reports errors in Docker\'s words, with their line', () => {
    assert.deepEqual(checkDockerfile('FROM busybox\n\nCOPPY a b\n', 'Bad.Dockerfile'), [
      { line: 3, message: 'dockerfile parse error line 3: unknown instruction: COPPY' },
    ]);
    assert.deepEqual(checkDockerfile('', 'Dockerfile'), [{ line: 1, message: 'file with no instructions' }]);
    assert.deepEqual(checkDockerfile('FROM a\nRUN <<EOF\nx\n', 'Dockerfile'), [{ line: 2, message: 'failed to parse Dockerfile: unterminated heredoc' }]);
    assert.deepEqual(rules('FROM a\nUSER\nENV =x\nRUN x\n'), [
      '2:dockerfile parse error line 2: USER requires exactly one argument',
      '3:dockerfile parse error line 3: ENV names can not be blank',
    ]);
    assert.deepEqual(rules('RUN x\nFROM a\n'), ['1:no build stage in current context']);
    assert.deepEqual(rules('FROM a\nSTOPSIGNAL SIGNOPE\nCOPY --chmod=999 a b\nEXPOSE 80/xyz\nRUN --mount=type=nfs x\nSTOPSIGNAL $S\n'), [
      '2:Invalid signal: SIGNOPE',
      "3:invalid chmod parameter: '999'. it should be octal string and between 0 and 07777",
      '4:invalid port: "80/xyz": invalid proto: xyz',
      '5:unsupported mount type "nfs"',
    ]);
  });

  it('reports Docker lint rules with Docker\'s messages', () => {
    const p = checkDockerfile('FROM x as Build\nMAINTAINER me\nCMD echo\nCMD ["a"]\nENV A b\nWORKDIR rel\n', 'Dockerfile');
    assert.deepEqual(p.map((x) => `${x.line}: ${x.message}`), [
      "1: FromAsCasing: 'as' and 'FROM' keywords' casing do not match",
      "1: StageNameCasing: Stage name 'Build' should be lowercase",
      '2: MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label',
      '3: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
      '3: MultipleInstructionsDisallowed: Multiple CMD instructions should not be used in the same stage because only the last one will be used',
      '5: LegacyKeyValueFormat: "ENV key=value" should be used instead of legacy "ENV key value" format',
      '6: WorkdirRelativePath: Relative workdir "rel" can have unexpected results if the base image changes',
    ]);
  });

  it('stage names, casing, platforms, ports, secrets, variables', () => {
    assert.deepEqual(rules('FROM a AS scratch\nFROM b AS x\nFROM c AS x\n'), ['1:ReservedStageName', '3:DuplicateStageName']);
    assert.deepEqual(rules('FROM a\nrun x\nRUN y\nRUN z\n'), ['2:ConsistentInstructionCasing']);
    assert.deepEqual(rules('FROM --platform=$TARGETPLATFORM a\nFROM --platform=linux/amd64 b\nFROM --platform=linux/amd64 b AS amd64\n'), [
      '1:RedundantTargetPlatform', '2:FromPlatformFlagConstDisallowed',
    ]);
    assert.deepEqual(rules('FROM a\nEXPOSE 80/TCP 8080:80\nARG API_KEY\nENV PUBLIC_KEY=1 DB_PASSWORD=x\n'), [
      '2:ExposeInvalidFormat', '2:ExposeProtoCasing', '3:SecretsUsedInArgOrEnv', '4:SecretsUsedInArgOrEnv',
    ]);
    assert.deepEqual(rules('ARG VERSION=1\nFROM a:$VERSON\nENV PATH=/x:$PATH\nARG NAME=n\nCOPY $NAEM /x\nHEALTHCHECK CMD x\nHEALTHCHECK NONE\n'), [
      '2:UndefinedArgInFrom', '5:UndefinedVar', '6:MultipleInstructionsDisallowed',
    ]);
    assert.match(checkDockerfile('FROM a:$VERSON\n', 'D').map((p) => p.message).join(), /FROM argument 'VERSON' is not declared/);
    assert.match(checkDockerfile('FROM a\nARG NAME\nCOPY $NAEM /x\n', 'D')[0]!.message, /UndefinedVar: Usage of undefined variable '\$NAEM' \(did you mean \$NAME\?\)/);
  });

  it('empty continuation lines, JSON that is not JSON, and the check directive', () => {
    assert.deepEqual(rules('FROM a\nRUN x \\\n\n y\n'), ['4:NoEmptyContinuation']);
    assert.deepEqual(rules('FROM a\nRUN ["echo", "x"\n'), ['2:MalformedExecForm']);
    assert.deepEqual(rules('# check=skip=JSONArgsRecommended,MaintainerDeprecated\nFROM a\nMAINTAINER m\nCMD x\nENV A b\n'), ['5:LegacyKeyValueFormat']);
    assert.deepEqual(rules('# check=skip=all\nFROM a\nCMD x\n'), []);
  });

  it('JSONArgsRecommended is not reported after a SHELL, also one of the parent stage', () => {
    assert.deepEqual(rules('FROM a\nSHELL ["/bin/bash", "-c"]\nCMD x\n'), []);
    assert.deepEqual(rules('FROM a AS base\nSHELL ["/bin/bash", "-c"]\nFROM base\nCMD x\nFROM a\nENTRYPOINT x\n'), ['6:JSONArgsRecommended']);
  });

  it('a stage built FROM another inherits its ENV', () => {
    assert.deepEqual(rules('FROM a AS base\nENV APP_DIR=/app\nFROM base\nWORKDIR $APP_DIR\nFROM a\nARG APP_DIRS\nWORKDIR $APP_DIR\n'), ['7:UndefinedVar']);
  });
});
