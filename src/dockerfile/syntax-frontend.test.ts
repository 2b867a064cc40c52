import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocationError } from '../errdefs/index.js';
import { parse } from './parser/parser.js';
import { isStandardFrontend, syntaxNote } from './syntax-frontend.js';

describe('# syntax= directive', () => {
  it('accepts the standard Dockerfile frontends with any tag or digest', () => {
    for (const ref of [
      'docker/dockerfile:1', 'docker/dockerfile:1.7', 'docker/dockerfile:1.7-labs', 'docker/dockerfile', 'docker/dockerfile:labs',
      'docker.io/docker/dockerfile:1', 'docker.io/docker/dockerfile-upstream:master', 'docker/dockerfile-upstream:1.19.0',
      `docker/dockerfile:1@sha256:${'a'.repeat(64)}`, `docker/dockerfile@sha256:${'0'.repeat(64)}`,
    ]) assert.ok(isStandardFrontend(ref), ref);
    for (const ref of ['tonistiigi/dockerfile:1', 'docker/dockerfile2:1', 'example.com/docker/dockerfile:1', 'docker/dockerfile:1@sha256:short', 'mycorp/frontend']) {
      assert.ok(!isStandardFrontend(ref), ref);
    }
  });

  it('gives a note for a standard frontend, nothing without a directive', () => {
    const ast = parse('# syntax=docker/dockerfile:1.7\nFROM scratch\n', 'Dockerfile');
    assert.equal(syntaxNote(ast.directives, 'Dockerfile'), 'Note: Dockerfile:1: # syntax=docker/dockerfile:1.7: berth reads this Dockerfile with its own frontend (the same syntax)\n');
    assert.equal(syntaxNote(parse('FROM scratch\n').directives, 'Dockerfile'), undefined);
  });

  it('fails on any other frontend, naming the file and line', () => {
    const ast = parse('# escape=`\n# syntax=mycorp/frontend:2\nFROM scratch\n', 'build/Dockerfile.dev');
    assert.throws(() => syntaxNote(ast.directives, 'build/Dockerfile.dev'), (e: unknown) => {
      assert.ok(e instanceof LocationError);
      assert.equal(e.line, 2);
      assert.match(e.message, /^build\/Dockerfile\.dev:2: unsupported frontend "mycorp\/frontend:2" in # syntax=/);
      return true;
    });
  });
});
