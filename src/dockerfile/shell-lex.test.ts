/**
 * Word expansion: the API and Docker's forms beyond the conformance files (which
 * conformance.test.ts runs).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envFrom } from './shell-env.js';
import { expandWord, expandWords, ShellLex } from './shell-lex.js';

describe('word expansion', () => {
  const env = envFrom({ A: 'alpha', EMPTY: '', PATHV: '/usr/local/bin:/usr/bin', FILE: 'archive.tar.gz' });

  it('reports the variables it used, set and unset', () => {
    const r = expandWord('$A-${B:-x}-${EMPTY}', env);
    assert.equal(r.result, 'alpha-x-');
    assert.deepEqual([...r.matched].sort(), ['A', 'EMPTY']);
    assert.deepEqual([...r.unmatched], ['B']);
  });

  it('pattern removal and substitution', () => {
    assert.equal(expandWord('${FILE%.*}', env).result, 'archive.tar');
    assert.equal(expandWord('${FILE%%.*}', env).result, 'archive');
    assert.equal(expandWord('${FILE#*.}', env).result, 'tar.gz');
    assert.equal(expandWord('${FILE##*.}', env).result, 'gz');
    assert.equal(expandWord('${PATHV/bin/sbin}', env).result, '/usr/local/sbin:/usr/bin');
    assert.equal(expandWord('${PATHV//bin/sbin}', env).result, '/usr/local/sbin:/usr/sbin');
    assert.equal(expandWord('${PATHV//\\//_}', env).result, '_usr_local_bin:_usr_bin');
    assert.equal(expandWord('${A/#al/AL}', env).result, 'alpha', 'no anchors: # is literal');
    assert.equal(expandWord('${A//?/x}', env).result, 'xxxxx');
  });

  it('error forms', () => {
    assert.throws(() => expandWord('${B:?must be set}', env), /failed to process "\$\{B:\?must be set\}": B: must be set/);
    assert.throws(() => expandWord('${B?}', env), /B: is not allowed to be unset/);
    assert.throws(() => expandWord('${EMPTY:?}', env), /EMPTY: is not allowed to be empty/);
    assert.throws(() => expandWord('${A', env), /missing '}'/);
    assert.throws(() => expandWord('${A:%x}', env), /unsupported modifier \(:%\)/);
    assert.throws(() => expandWord('${A/x', env), /missing '\/' in \$\{\}/);
    assert.throws(() => expandWord('${A#\\x}', env), /invalid pattern/);
  });

  it('expands into several words', () => {
    const e = envFrom({ PORTS: '80/tcp  443/tcp' });
    assert.deepEqual(expandWords('$PORTS 8080', e).words, ['80/tcp', '443/tcp', '8080']);
    assert.deepEqual(expandWords('"$PORTS" x', e).words, ['80/tcp  443/tcp', 'x']);
  });

  it('uses the configured escape character', () => {
    const e = envFrom({ X: 'v' });
    assert.equal(expandWord('a`$X\\b', e, '`').result, 'a$X\\b');
    assert.equal(new ShellLex({ escapeToken: '`' }).processWord('"`"$X"', e), '"v');
    assert.equal(expandWord('c:\\dir', e).result, 'c:dir');
  });

  it('options: raw quotes, raw escapes, skip unset, skip quotes', () => {
    const e = envFrom({ X: 'v' });
    assert.equal(new ShellLex({ rawQuotes: true }).processWord(`'a' "$X"`, e), `'a' "v"`);
    assert.equal(new ShellLex({ rawEscapes: true }).processWord('a\\ b', e), 'a\\ b');
    assert.equal(new ShellLex({ skipUnsetEnv: true }).processWord('$X $Y ${Z:-d} ${W}', e), 'v $Y ${Z:-d} ${W}');
    assert.equal(new ShellLex({ skipProcessQuotes: true }).processWord(`'$X' "$X"`, e), `'v' "v"`);
  });

  it('keeps a heredoc marker with its blanks in one word', () => {
    assert.deepEqual(new ShellLex().processWords('cat << EOF >x', envFrom({})), ['cat', '<< EOF', '>x']);
  });
});
