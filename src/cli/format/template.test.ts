import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Template, goString } from './template.js';

const t = (src: string, data: unknown) => new Template(src).execute(data);

describe('Template', () => {
  it('renders fields, nested fields and the dot', () => {
    assert.equal(t('{{.Repository}}:{{.Tag}}', { Repository: 'busybox', Tag: 'latest' }), 'busybox:latest');
    assert.equal(t('{{.Config.Env}}', { Config: { Env: ['A=1', 'B=2'] } }), '[A=1 B=2]');
    assert.equal(t('{{.}}', 'x'), 'x');
    assert.equal(t('{{.Missing}}', {}), '<no value>');
  });

  it('calls methods with arguments, the pipeline\'s value last', () => {
    const row = { Names: 'a1', Label: (k: string) => ({ k: 'v' })[k] ?? '' };
    assert.equal(t('{{.Names}} {{.Label "k"}} [{{.Label "x"}}]', row), 'a1 v []');
    assert.equal(t('{{"k" | .Label}}', row), 'v');
    assert.throws(() => t('{{.Names "k"}}', row), /can't give argument to non-function/);
  });

  it('applies functions and pipelines', () => {
    assert.equal(t('{{json .}}', { a: 1 }), '{"a":1}');
    assert.equal(t('{{json .}}', { cmd: 'a<b>&c' }), '{"cmd":"a\\u003cb\\u003e\\u0026c"}', 'escaped as Go does');
    assert.equal(t('{{.Name | upper}}', { Name: 'w' }), 'W');
    assert.equal(t('{{join .L ","}}', { L: ['a', 'b'] }), 'a,b');
    assert.equal(t('{{index .Labels "k"}}', { Labels: { k: 'v' } }), 'v');
    assert.equal(t('{{len .L}}', { L: [1, 2, 3] }), '3');
    assert.equal(t('{{printf "%s-%d" .A .B}}', { A: 'x', B: 2 }), 'x-2');
    assert.equal(t('{{lower (index .M "K")}}', { M: { K: 'ABC' } }), 'abc');
  });

  it('handles if / else if / else, range with variables, with', () => {
    const src = '{{if eq .N 1}}one{{else if eq .N 2}}two{{else}}many{{end}}';
    assert.equal(t(src, { N: 1 }), 'one');
    assert.equal(t(src, { N: 2 }), 'two');
    assert.equal(t(src, { N: 5 }), 'many');
    assert.equal(t('{{range .L}}[{{.}}]{{end}}', { L: ['a', 'b'] }), '[a][b]');
    assert.equal(t('{{range $k, $v := .M}}{{$k}}={{$v}};{{end}}', { M: { b: 2, a: 1 } }), 'a=1;b=2;');
    assert.equal(t('{{range .L}}x{{else}}empty{{end}}', { L: [] }), 'empty');
    assert.equal(t('{{with .S}}<{{.}}>{{end}}', { S: 'v' }), '<v>');
  });

  it('trims around {{- and -}}', () => {
    assert.equal(t('a  {{- .X -}}  b', { X: 1 }), 'a1b');
  });

  it('rejects unknown functions and unclosed actions', () => {
    assert.throws(() => new Template('{{nosuch .X}}'), /function "nosuch" not defined/);
    assert.throws(() => new Template('{{.X'), /unclosed action/);
    assert.throws(() => new Template('{{if .X}}a'), /unexpected EOF/);
  });

  it('formats values like Go %v', () => {
    assert.equal(goString({ b: 1, a: 'x' }), 'map[a:x b:1]');
    assert.equal(goString(null), '<nil>');
  });
});
