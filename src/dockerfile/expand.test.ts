import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocationError } from '../errdefs/index.js';
import { expandCommand } from './expand.js';
import { parseInstruction } from './instructions/parse.js';
import type { Command } from './instructions/types.js';
import { parse } from './parser/parser.js';
import { envFrom } from './shell-env.js';

function cmd(text: string): Command {
  const ast = parse(text);
  return parseInstruction(ast.children[ast.children.length - 1]!);
}

const env = envFrom({ A: 'old', DIR: '/srv', USERNAME: 'app', PORTS: '80 443/udp', TAG: '1.2', T: 'cache', EMPTY: '', S: 'TERM' });

describe('expandCommand', () => {
  it('ENV expands against the environment before the instruction', () => {
    const r = expandCommand(cmd('ENV A=changed N=$A M="${DIR}/x y"\n'), env);
    assert.deepEqual(r.command.kind === 'ENV' && r.command.pairs.map((p) => [p.key, p.value]), [['A', 'changed'], ['N', 'old'], ['M', '/srv/x y']]);
    assert.deepEqual([...r.used].sort(), ['A', 'DIR']);
  });

  it('legacy ENV values and LABEL keys and values', () => {
    const e = expandCommand(cmd('ENV P $DIR/bin:$PATH\n'), env).command;
    assert.deepEqual(e.kind === 'ENV' && e.pairs[0], { key: 'P', value: '/srv/bin:', legacy: true });
    const l = expandCommand(cmd('LABEL "v.$TAG"="x $A"\n'), env).command;
    assert.deepEqual(l.kind === 'LABEL' && l.pairs[0], { key: 'v.1.2', value: 'x old', legacy: false });
  });

  it('COPY/ADD: sources, dest, chown, chmod, checksum, heredoc bodies; not --from', () => {
    const c = expandCommand(cmd('COPY --from=build --chown=$USERNAME --chmod=${MODE:-644} $DIR/a b\\ c $DIR/\n'), env).command;
    assert.ok(c.kind === 'COPY');
    assert.deepEqual([c.sources, c.dest, c.chown, c.chmod, c.from], [['/srv/a', 'b', 'c'], '/srv/', 'app', '644', 'build']);
    const json = expandCommand(cmd('COPY ["$DIR/a b", "/x"]\n'), env).command;
    assert.deepEqual(json.kind === 'COPY' && json.sources, ['/srv/a b']);
    assert.throws(() => expandCommand(cmd('COPY "b c" /x\n'), env), /matching double-quote/, 'shell-form COPY splits on blanks first, as Docker');
    const h = expandCommand(cmd('COPY <<EOF <<"RAW" /x\n"$A" \\$A\nEOF\n$A\nRAW\n'), env).command;
    assert.ok(h.kind === 'COPY');
    assert.deepEqual(h.inline.map((f) => f.data), ['"old" $A\n', '$A\n']);
    const a = expandCommand(cmd('ADD --checksum=sha256:$TAG x y\n'), env).command;
    assert.equal(a.kind === 'ADD' && a.checksum, 'sha256:1.2');
  });

  it('EXPOSE words may expand into several ports', () => {
    const e = expandCommand(cmd('EXPOSE $PORTS 8080\n'), env).command;
    assert.deepEqual(e.kind === 'EXPOSE' && e.ports.map((p) => p.key), ['80/tcp', '443/udp', '8080/tcp']);
  });

  it('USER, WORKDIR, VOLUME, STOPSIGNAL, ARG, FROM', () => {
    const pick = (t: string) => expandCommand(cmd(t), env).command as unknown as Record<string, unknown>;
    assert.equal(pick('USER $USERNAME\n').user, 'app');
    assert.equal(pick('WORKDIR ${DIR}/w\n').path, '/srv/w');
    assert.deepEqual(pick('VOLUME ["$DIR/v", "/x"]\n').volumes, ['/srv/v', '/x']);
    assert.equal(pick('STOPSIGNAL SIG$S\n').signal, 'SIGTERM');
    assert.throws(() => pick('EXPOSE $A\n'), /^LocationError: invalid containerPort: old$/);
    assert.throws(() => pick('EXPOSE 80/xyz\n'), /invalid port: "80\/xyz": invalid proto: xyz/);
    assert.throws(() => pick('RUN --mount=type=nfs x\n'), /unsupported mount type "nfs"/);
    assert.throws(() => pick('RUN --mount=type=bind,mode=0700 x\n'), /mode not allowed for "bind" type mounts/);
    assert.throws(() => pick('RUN --mount=type=cache,size=1 x\n'), /unexpected key 'size' for mount type 'cache'/);
    assert.deepEqual(pick('ARG X=$A Y\n').args, [{ key: 'X', value: 'old' }, { key: 'Y' }]);
    const f = pick('FROM --platform=$P alpine:$TAG AS b\n');
    assert.deepEqual([f.image, f.platform, f.stageName], ['alpine:1.2', undefined, 'b']);
  });

  it('RUN: only mounts are expanded; CMD, ENTRYPOINT, SHELL, HEALTHCHECK, ONBUILD are not', () => {
    const r = expandCommand(cmd('RUN --mount=type=$T,target=$DIR echo $A\n'), env);
    assert.ok(r.command.kind === 'RUN');
    assert.deepEqual(r.command.cmdLine, ['echo $A']);
    assert.deepEqual(r.command.mounts, [{ type: 'cache', target: '/srv', readOnly: false, required: false }]);
    for (const t of ['CMD echo $A\n', 'ENTRYPOINT ["$A"]\n', 'HEALTHCHECK CMD $A\n', 'ONBUILD RUN $A\n', 'SHELL ["$A"]\n', 'MAINTAINER $A\n']) {
      const c = cmd(t);
      const r2 = expandCommand(c, env);
      assert.deepEqual(r2.command, c, t);
      assert.equal(r2.used.size, 0);
    }
  });

  it('does not change its input and reports unset variables', () => {
    const c = cmd('WORKDIR $NOPE/$A\n');
    const r = expandCommand(c, env);
    assert.equal(c.kind === 'WORKDIR' && c.path, '$NOPE/$A');
    assert.deepEqual([...r.unmatched], ['NOPE']);
  });

  it('uses the escape token and names the line on errors', () => {
    const r = expandCommand(cmd('# escape=`\nFROM x\nWORKDIR c:\\`$A\n'), env, { escapeToken: '`' }).command;
    assert.equal(r.kind === 'WORKDIR' && r.path, 'c:\\$A');
    assert.throws(() => expandCommand(cmd('FROM x\n\nUSER ${A\n'), env), (e: unknown) => {
      assert.ok(e instanceof LocationError);
      assert.equal(e.line, 3);
      assert.equal(e.message, `failed to process "\${A": syntax error: missing '}'`);
      return true;
    });
    assert.throws(() => expandCommand(cmd('FROM $EMPTY\n'), env), /base name \(\$EMPTY\) should not be blank/);
    assert.throws(() => expandCommand(cmd('RUN --mount=type=$A x\n'), env), /unsupported mount type "old"/);
  });
});
