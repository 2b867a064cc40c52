import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocationError } from '../../errdefs/index.js';
import { findStage, parseDockerfile } from './parse.js';
import type { CopyCommand, HealthcheckCommand, RunCommand } from './types.js';

describe('typed instructions', () => {
  it('splits stages, names them case-insensitively and keeps meta args', () => {
    const df = parseDockerfile('ARG BASE=busybox\nFROM ${BASE} AS Build\nRUN true\nFROM scratch\nCOPY --from=build /a /b\n');
    assert.equal(df.metaArgs.length, 1);
    assert.deepEqual(df.metaArgs[0]!.args, [{ key: 'BASE', value: 'busybox' }]);
    assert.equal(df.stages.length, 2);
    assert.equal(df.stages[0]!.name, 'build');
    assert.equal(df.stages[0]!.baseName, '${BASE}');
    assert.equal(findStage(df, 'BUILD'), df.stages[0]);
    assert.equal(findStage(df, '1'), df.stages[1]);
    const copy = df.stages[1]!.commands[0] as CopyCommand;
    assert.equal(copy.from, 'build');
    assert.deepEqual(copy.sources, ['/a']);
    assert.equal(copy.dest, '/b');
    assert.deepEqual(copy.location, { file: 'Dockerfile', startLine: 5, endLine: 5 });
  });

  it('types RUN/CMD/ENTRYPOINT in shell and exec form', () => {
    const df = parseDockerfile('FROM x\nRUN echo hi\nCMD ["a","b"]\nENTRYPOINT /bin/sh -c x\nRUN --mount=type=cache,target=/c --network=none make\n');
    const [run, cmd, ep, run2] = df.stages[0]!.commands;
    assert.deepEqual({ p: (run as RunCommand).prependShell, c: (run as RunCommand).cmdLine }, { p: true, c: ['echo hi'] });
    assert.deepEqual(cmd, { kind: 'CMD', location: { file: 'Dockerfile', startLine: 3, endLine: 3 }, original: 'CMD ["a","b"]', prependShell: false, cmdLine: ['a', 'b'] });
    assert.equal(ep!.kind, 'ENTRYPOINT');
    assert.deepEqual((run2 as RunCommand).mounts, ['type=cache,target=/c']);
    assert.equal((run2 as RunCommand).network, 'none');
  });

  it('reads heredocs for RUN and COPY', () => {
    const df = parseDockerfile('FROM x\nRUN <<EOF\necho a\necho b\nEOF\nCOPY <<-"END" /etc/x\n\thello $X\n\tEND\nRUN cat <<A <<B\n1\nA\n2\nB\n');
    const [run, copy, two] = df.stages[0]!.commands as [RunCommand, CopyCommand, RunCommand];
    assert.deepEqual(run.heredocs, [{ name: 'EOF', content: 'echo a\necho b\n', expand: true, chomp: false, fileDescriptor: 0 }]);
    assert.deepEqual(run.location, { file: 'Dockerfile', startLine: 2, endLine: 5 });
    assert.deepEqual(copy.heredocs, [{ name: 'END', content: 'hello $X\n', expand: false, chomp: true, fileDescriptor: 0 }]);
    assert.deepEqual(copy.sources, ['<<-"END"']);
    assert.deepEqual(two.heredocs.map((h) => h.content), ['1\n', '2\n']);
  });

  it('parses HEALTHCHECK options into nanoseconds', () => {
    const df = parseDockerfile('FROM x\nHEALTHCHECK --interval=1m30s --timeout=500ms --retries=3 CMD curl -f http://localhost/\nHEALTHCHECK NONE\n');
    const [h, none] = df.stages[0]!.commands as HealthcheckCommand[];
    assert.deepEqual(h!.health, { test: ['CMD-SHELL', 'curl -f http://localhost/'], interval: 90e9, timeout: 5e8, retries: 3 });
    assert.deepEqual(none!.health, { test: ['NONE'] });
  });

  it('keeps ENV and LABEL pairs in both syntaxes and ONBUILD triggers as written', () => {
    const df = parseDockerfile('FROM x\nENV A 1 2\nENV B=x C="y z"\nLABEL a=b\nONBUILD   RUN echo  "hi"\n');
    const [e1, e2, l, o] = df.stages[0]!.commands;
    assert.deepEqual(e1, { kind: 'ENV', location: { file: 'Dockerfile', startLine: 2, endLine: 2 }, original: 'ENV A 1 2', pairs: [{ key: 'A', value: '1 2', equals: false }] });
    assert.deepEqual((e2 as { pairs: unknown }).pairs, [{ key: 'B', value: 'x', equals: true }, { key: 'C', value: '"y z"', equals: true }]);
    assert.equal(l!.kind, 'LABEL');
    assert.equal((o as { expression: string }).expression, 'RUN echo  "hi"');
  });

  const errors: [string, string, RegExp][] = [
    ['unknown instruction', 'FROM x\nRUN a\n\n\n\n\nCOPPY a b\n', /^dockerfile parse error on line 7: unknown instruction: COPPY$/],
    ['empty file', '', /file with no instructions/],
    ['only comments', '# a\n# b\n', /file with no instructions/],
    ['heredoc without terminator', 'FROM x\nRUN <<EOF\necho\n', /line 2: unterminated heredoc EOF/],
    ['bad escape directive', '# escape=x\nFROM x\n', /invalid escape token 'x' does not match ` or \\/],
    ['nested JSON', 'FROM x\nCMD ["a", ["b"]]\n', /line 2: dockerfile is not a string array/],
    ['COPY without destination', 'FROM x\nCOPY a\n', /line 2: COPY requires at least two arguments, but only one was provided/],
    ['instruction before FROM', 'RUN x\n', /line 1: no build stage in current context/],
    ['ONBUILD ONBUILD', 'FROM x\nONBUILD ONBUILD RUN x\n', /Chaining ONBUILD/],
    ['bad stage name', 'FROM x AS 1st\n', /invalid name for build stage/],
    ['unknown flag', 'FROM x\nCOPY --user=me a b\n', /line 2: Unknown flag: user/],
    ['SHELL not JSON', 'FROM x\nSHELL /bin/bash\n', /SHELL requires the arguments to be in JSON form/],
    ['ENV without value', 'FROM x\nENV PATH\n', /line 2: ENV must have two arguments/],
    ['bad healthcheck type', 'FROM x\nHEALTHCHECK CONNECT x\n', /Unknown type "CONNECT" in HEALTHCHECK/],
    ['bad duration', 'FROM x\nHEALTHCHECK --interval=5 CMD x\n', /missing unit in duration/],
  ];
  for (const [name, text, re] of errors) {
    it(`rejects: ${name}`, () => {
      assert.throws(() => parseDockerfile(text), (e) => e instanceof LocationError && re.test(e.message));
    });
  }

  it('handles a BOM and CRLF line ends', () => {
    const df = parseDockerfile('\ufeffFROM x\r\nRUN a \\\r\n  b\r\n');
    assert.deepEqual((df.stages[0]!.commands[0] as RunCommand).cmdLine, ['a   b']);
  });
});
