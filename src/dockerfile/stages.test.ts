import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocationError } from '../errdefs/index.js';
import { parse } from './parser/parser.js';
import { findStage, parseDockerfile, parseStages } from './stages.js';

describe('stages', () => {
  it('splits meta ARGs and stages, with names, platforms and locations', () => {
    const text = 'ARG BASE=alpine\nARG V\nFROM --platform=$BUILDPLATFORM ${BASE}:3 AS Build\nRUN make\n\nFROM scratch\nCOPY --from=build /out /\nCMD ["/app"]\n';
    const { metaArgs, stages } = parseStages(parse(text));
    assert.deepEqual(metaArgs.map((a) => a.args), [[{ key: 'BASE', value: 'alpine' }], [{ key: 'V' }]]);
    assert.equal(stages.length, 2);
    const [build, final] = stages as [NonNullable<(typeof stages)[0]>, NonNullable<(typeof stages)[0]>];
    assert.deepEqual([build.index, build.name, build.baseName, build.platform], [0, 'build', '${BASE}:3', '$BUILDPLATFORM']);
    assert.deepEqual(build.location, { file: 'Dockerfile', startLine: 3, endLine: 4 });
    assert.deepEqual(build.commands.map((c) => c.kind), ['RUN']);
    assert.deepEqual([final.name, final.baseName, final.location.startLine, final.location.endLine], [undefined, 'scratch', 6, 8]);
    assert.deepEqual(final.commands.map((c) => [c.kind, c.original]), [['COPY', 'COPY --from=build /out /'], ['CMD', 'CMD ["/app"]']]);
  });

  it('finds stages by name (case-insensitive) or index, only before a position', () => {
    const df = parseDockerfile('FROM a AS one\nFROM b\nFROM c AS three\n');
    assert.equal(findStage(df.stages, 'ONE')?.index, 0);
    assert.equal(findStage(df.stages, '1')?.baseName, 'b');
    assert.equal(findStage(df.stages, 'three', 2), undefined);
    assert.equal(findStage(df.stages, 'nope'), undefined);
  });

  it('keeps the escape token, directives and warnings', () => {
    const df = parseDockerfile('# escape=`\nFROM a\nRUN x `\n\n y\n', 'ctx/Dockerfile');
    assert.equal(df.escapeToken, '`');
    assert.equal(df.directives[0]!.name, 'escape');
    assert.equal(df.warnings.length, 1);
    assert.equal(df.stages[0]!.commands[0]!.location.file, 'ctx/Dockerfile');
  });

  it('malformed Dockerfiles fail with a LocationError naming the line', () => {
    const cases: [string, number, string][] = [
      ['FROM a\nSHELL ["/bin/sh", "-c"\n', 2, 'dockerfile parse error line 2: SHELL requires the arguments to be in JSON form'],
      ['FROM a\nCMD ["a", ["b"]]\n', 2, 'failed to parse Dockerfile: when using JSON array syntax, arrays must be comprised of strings only'],
      ['FROM a\n\nCOPPY x y\n', 3, 'dockerfile parse error line 3: unknown instruction: COPPY'],
      ['', 1, 'file with no instructions'],
      ['# only\n# comments\n', 2, 'file with no instructions'],
      ['FROM a\nCOPY <<EOF /x\nno end\n', 2, 'failed to parse Dockerfile: unterminated heredoc'],
      ['# escape=!\nFROM a\n', 1, "failed to parse Dockerfile: invalid escape token '!' does not match ` or \\"],
      ['FROM a\nENV PATH\n', 2, 'failed to parse Dockerfile: ENV must have two arguments'],
      ['FROM a\nRUN x \\\n  y\nENV =1\n', 4, 'dockerfile parse error line 4: ENV names can not be blank'],
      ['FROM a\nARG\n', 2, 'dockerfile parse error line 2: ARG requires exactly one argument'],
    ];
    for (const [text, line, message] of cases) {
      assert.throws(() => parseDockerfile(text, 'Dockerfile'), (e: unknown) => {
        assert.ok(e instanceof LocationError, text);
        assert.deepEqual([e.line, e.message, e.file], [line, message, 'Dockerfile'], text);
        return true;
      });
    }
  });

  it('an instruction before the first FROM other than ARG is an error', () => {
    assert.throws(() => parseDockerfile('ARG a\nRUN x\nFROM b\n'), (e: unknown) => {
      assert.ok(e instanceof LocationError);
      assert.equal(e.message, 'no build stage in current context');
      return true;
    });
  });
});
