import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  familiarName, familiarString, parseDockerRef, parseNormalizedNamed, referenceString, withTag,
} from './reference.js';

const digest = 'sha256:' + 'a'.repeat(64);

describe('references', () => {
  it('normalizes as Docker does and shows the familiar form', () => {
    const cases: [string, string, string][] = [
      ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
      ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
      ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
      ['docker.io/library/busybox:x', 'docker.io/library/busybox:x', 'busybox:x'],
      ['index.docker.io/user/app', 'docker.io/user/app:latest', 'user/app:latest'],
      ['user/app:v1', 'docker.io/user/app:v1', 'user/app:v1'],
      ['localhost:5000/x:1', 'localhost:5000/x:1', 'localhost:5000/x:1'],
      ['localhost/x', 'localhost/x:latest', 'localhost/x:latest'],
      ['registry.example.com/a/b/c', 'registry.example.com/a/b/c:latest', 'registry.example.com/a/b/c:latest'],
      ['[::1]:5000/x:1', '[::1]:5000/x:1', '[::1]:5000/x:1'],
      [`busybox@${digest}`, `docker.io/library/busybox@${digest}`, `busybox@${digest}`],
      [`busybox:tag@${digest}`, `docker.io/library/busybox@${digest}`, `busybox@${digest}`],
      ['a_b/c-d__e.f---g', 'docker.io/a_b/c-d__e.f---g:latest', 'a_b/c-d__e.f---g:latest'],
    ];
    for (const [input, full, familiar] of cases) {
      const r = parseDockerRef(input);
      assert.equal(referenceString(r), full, input);
      assert.equal(familiarString(r), familiar, input);
    }
    assert.equal(familiarName(parseNormalizedNamed('docker.io/library/a/b')), 'library/a/b');
  });

  it('gives Docker\'s errors', () => {
    const bad: [string, string][] = [
      ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
      ['user/App:1', 'invalid reference format: repository name (user/App) must be lowercase'],
      ['busy box', 'invalid reference format'],
      ['busybox:', 'invalid reference format'],
      ['busybox:-bad', 'invalid reference format'],
      ['-busybox', 'invalid reference format'],
      ['a/b$c', 'invalid reference format'],
      ['', 'invalid reference format'],
      ['a'.repeat(64).replace(/a/g, 'f'), `invalid repository name (${'f'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
      ['x/' + 'a'.repeat(260), 'repository name must not be more than 255 characters'],
      ['busybox@sha256:abc', 'invalid reference format'],
    ];
    for (const [input, msg] of bad) assert.throws(() => parseDockerRef(input), (e: Error) => e.message === msg, `${input} → ${msg}`);
    assert.throws(() => withTag(parseNormalizedNamed('x'), 'bad tag'), /invalid tag format/);
  });

  it('keeps tags up to 128 characters', () => {
    assert.equal(parseDockerRef('x:' + 'a'.repeat(128)).tag, 'a'.repeat(128));
    assert.throws(() => parseDockerRef('x:' + 'a'.repeat(129)), /invalid reference format/);
  });
});
