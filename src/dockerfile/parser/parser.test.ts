import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocationError } from '../../errdefs/index.js';
import { dumpAst, dumpNode } from '../ast-dump.js';
import { parse } from './parser.js';

function dump(text: string): string[] {
  return parse(text).children.map(dumpNode);
}

function parseError(text: string): LocationError {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof LocationError, `not a LocationError: ${String(e)}`);
    return e;
  }
  assert.fail('no error');
}

describe('parser: lines and continuations', () => {
  it('keeps start and end lines of every node', () => {
    const ast = parse('# c\nFROM a\n\nRUN one \\\n  two \\\n  three\nCMD x\n');
    assert.deepEqual(ast.children.map((n) => [n.startLine, n.endLine]), [[2, 2], [4, 6], [7, 7]]);
    assert.equal(ast.startLine, 2);
    assert.equal(ast.endLine, 7);
  });

  it('keeps leading blanks of continuation lines', () => {
    assert.deepEqual(dump('RUN a \\\n    b'), ['run "a     b"']);
  });

  it('a line ending in an escaped backslash is not a continuation', () => {
    assert.deepEqual(dump('ENV C trailing\\\\\nENV D x\n'), ['env "C" "trailing\\\\\\\\" ""', 'env "D" "x" ""']);
  });

  it('skips comments and empty lines inside a continuation; empty ones warn', () => {
    const ast = parse('RUN a \\\n# comment\n  b \\\n\n  c\n');
    assert.deepEqual(ast.children.map(dumpNode), ['run "a   b   c"']);
    assert.equal(ast.children[0]!.endLine, 5);
    assert.deepEqual(ast.warnings, [{ rule: 'NoEmptyContinuation', line: 5, message: 'Empty continuation line found in:\n    RUN a   b   c' }]);
    assert.deepEqual(parse('RUN a \\\n# c\n b\n').warnings, []);
  });

  it('handles a UTF-8 BOM, CRLF line ends and a continuation at the end of the file', () => {
    assert.deepEqual(dump('\ufeffFROM a\r\nRUN x \\\r\n  y\r\nRUN z \\'), ['from "a"', 'run "x   y"', 'run "z"']);
  });

  it('uses the escape directive for continuations and flags', () => {
    const ast = parse('# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo\nCOPY --from=`"x --chown=a b c\n');
    assert.equal(ast.escapeToken, '`');
    assert.deepEqual(ast.children.map(dumpNode), ['from "a"', 'run "dir c:\\\\   && echo"', 'copy ["--from=\\"x" "--chown=a"] "b" "c"']);
  });

  it('keeps comments right before an instruction', () => {
    const ast = parse('FROM a\n# first\n# second\n\nRUN x\n#\n# third\nRUN y\n');
    assert.deepEqual(ast.children.map((n) => n.comments), [[], ['first', 'second'], ['third']]);
  });
});

describe('parser: directives', () => {
  it('reads syntax, escape and check at the top, case-insensitively', () => {
    const ast = parse('# syntax=docker/dockerfile:1\n#ESCAPE = `\n# check=skip=JSONArgsRecommended\nFROM a\n');
    assert.deepEqual(ast.directives, [
      { name: 'syntax', value: 'docker/dockerfile:1', line: 1 },
      { name: 'escape', value: '`', line: 2 },
      { name: 'check', value: 'skip=JSONArgsRecommended', line: 3 },
    ]);
    assert.equal(ast.children[0]!.comments.length, 0, 'directives are not comments');
  });

  it('ignores directives after an instruction, a comment or a blank line', () => {
    assert.equal(parse('FROM a\n# escape=`\nRUN x\n').escapeToken, '\\');
    assert.equal(parse('# hello\n# escape=`\nFROM a\n').escapeToken, '\\');
    assert.equal(parse('\n# escape=`\nFROM a\n').escapeToken, '\\');
    assert.equal(parse('# unknown=x\n# escape=`\nFROM a\n').escapeToken, '\\');
  });

  it('rejects a bad escape token and a repeated directive, naming the line', () => {
    const bad = parseError('# syntax=x\n# escape=a\nFROM a\n');
    assert.equal(bad.line, 2);
    assert.equal(bad.message, "failed to parse Dockerfile: invalid escape token 'a' does not match ` or \\");
    const twice = parseError('# escape=`\n# escape=\\\nFROM a\n');
    assert.equal(twice.message, 'failed to parse Dockerfile: only one escape parser directive can be used');
  });
});

describe('parser: arguments', () => {
  it('exec form, and invalid JSON as shell form', () => {
    assert.deepEqual(dump('CMD ["a", "b c"]\nCMD [\'a\']\nCMD ["a"\nCMD []\nENTRYPOINT [ "x" ] \n'), [
      'cmd "a" "b c"', 'cmd "[\'a\']"', 'cmd "[\\"a\\""', 'cmd', 'entrypoint "x"',
    ]);
    const ast = parse('RUN ["a"]\nRUN a\n');
    assert.deepEqual(ast.children.map((n) => n.json), [true, false]);
  });

  it('rejects a JSON array with non-strings', () => {
    const e = parseError('FROM a\nRUN ["a", 1]\n');
    assert.equal(e.message, 'failed to parse Dockerfile: when using JSON array syntax, arrays must be comprised of strings only');
    assert.equal(e.line, 2);
  });

  it('splits flags off, quotes removed, -- ends them', () => {
    assert.deepEqual(dump('COPY --from=build --chown="a b" -- --x y\nRUN --mount=type=cache,target=/c --network=none echo hi\n'), [
      'copy ["--from=build" "--chown=a b"] "--x" "y"',
      'run ["--mount=type=cache,target=/c" "--network=none"] "echo hi"',
    ]);
  });

  it('ENV and LABEL in both forms, ARG words, HEALTHCHECK, ONBUILD', () => {
    assert.deepEqual(dump('ENV a b c\nENV x=1 y="2 3"\nLABEL "k"=v\nARG a b=c\nHEALTHCHECK --interval=5s CMD ["x"]\nONBUILD RUN ["echo", "hi"]\n'), [
      'env "a" "b c" ""',
      'env "x" "1" "=" "y" "\\"2 3\\"" "="',
      'label "\\"k\\"" "v" "="',
      'arg "a" "b=c"',
      'healthcheck ["--interval=5s"] "CMD" "x"',
      'onbuild (run "echo" "hi")',
    ]);
  });

  it('reports ENV without value and a missing = in Docker\'s words', () => {
    assert.equal(parseError('FROM a\n\nENV PATH\n').message, 'failed to parse Dockerfile: ENV must have two arguments');
    assert.equal(parseError('LABEL a=b c\n').message, 'failed to parse Dockerfile: Syntax error - can\'t find = in "c". Must be of the form: name=value');
  });

  it('keeps unknown instructions as nodes (the instruction pass rejects them)', () => {
    assert.deepEqual(dump('COPPY a b\n'), ['coppy']);
  });

  it('fails on a file with no instructions', () => {
    assert.equal(parseError('').message, 'file with no instructions');
    const comments = parseError('# a\n\n# b\n');
    assert.equal(comments.message, 'file with no instructions');
    assert.equal(comments.line, 3);
  });

  it('dumps a whole tree', () => {
    assert.equal(dumpAst(parse('FROM a\nRUN b\n')), '(from "a")\n(run "b")\n');
  });
});

describe('parser: heredocs', () => {
  it('reads bodies for RUN, COPY and ADD, several per instruction', () => {
    const ast = parse('FROM a\nRUN <<EOF\necho 1\necho 2\nEOF\nCOPY <<one <<"two" /dest/\nx $y\none\n$z\ntwo\nRUN x\n');
    const [, run, copy, last] = ast.children;
    assert.deepEqual(run!.heredocs, [{ name: 'EOF', content: 'echo 1\necho 2\n', expand: true, chomp: false, fileDescriptor: 0 }]);
    assert.deepEqual([run!.startLine, run!.endLine], [2, 5]);
    assert.deepEqual(copy!.heredocs.map((h) => [h.name, h.content, h.expand]), [['one', 'x $y\n', true], ['two', '$z\n', false]]);
    assert.deepEqual([copy!.startLine, copy!.endLine], [6, 10]);
    assert.equal(last!.startLine, 11);
    assert.deepEqual(copy!.args, ['<<one', '<<"two"', '/dest/']);
  });

  it('<<- strips leading tabs from the terminator; fd and blanks after <<', () => {
    const ast = parse('RUN 3<<-END cat << \'X\'\n\tline\n\tEND\nbody\nX\n');
    assert.deepEqual(ast.children[0]!.heredocs.map((h) => [h.name, h.content, h.chomp, h.fileDescriptor, h.expand]), [
      ['END', '\tline\n', true, 3, true],
      ['X', 'body\n', false, 0, false],
    ]);
  });

  it('keeps CRLF in bodies and reads heredocs in ONBUILD triggers', () => {
    const ast = parse('FROM a\r\nONBUILD RUN <<EOF\r\nx\r\nEOF\r\nRUN ["a", "<<EOF"]\r\n');
    assert.deepEqual(ast.children[1]!.heredocs.map((h) => h.content), ['x\r\n']);
    assert.equal(ast.children[2]!.heredocs.length, 0, 'exec form has no heredocs');
  });

  it('is not a heredoc inside quotes or in other instructions', () => {
    assert.equal(parse('RUN echo "<<EOF"\n').children[0]!.heredocs.length, 0);
    assert.equal(parse('ENV a=<<EOF\nRUN x\n').children.length, 2);
  });

  it('fails on an unterminated heredoc, naming its line', () => {
    const e = parseError('FROM a\nRUN <<EOF\necho\n');
    assert.equal(e.message, 'failed to parse Dockerfile: unterminated heredoc');
    assert.deepEqual([e.line, e.endLine], [2, 3]);
  });
});
