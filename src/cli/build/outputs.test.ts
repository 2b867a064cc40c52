import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../../errdefs/index.js';
import { buildMetadata, parseOutput } from './outputs.js';

const abs = (p: string) => (p.startsWith('/') ? p : `/cwd/${p}`);

describe('build --output', () => {
  it('reads the short forms as buildx does', () => {
    assert.deepEqual(parseOutput('out', abs), { type: 'local', dest: '/cwd/out' });
    assert.deepEqual(parseOutput('-', abs), { type: 'tar', dest: '-' });
  });
  it('reads type=local and type=tar', () => {
    assert.deepEqual(parseOutput('type=local,dest=x/y', abs), { type: 'local', dest: '/cwd/x/y' });
    assert.deepEqual(parseOutput('type=tar,dest=/o.tar', abs), { type: 'tar', dest: '/o.tar' });
    assert.deepEqual(parseOutput('type=tar,dest=-', abs), { type: 'tar', dest: '-' });
  });
  it('refuses what it cannot write', () => {
    assert.throws(() => parseOutput('type=registry,dest=x', abs), InvalidArgument);
    assert.throws(() => parseOutput('type=local', abs), /needs dest=DIR/);
    assert.throws(() => parseOutput('dest=x', abs), /type is required/);
    assert.throws(() => parseOutput('type=tar,dest=x,compression=gzip', abs), /unknown key "compression"/);
  });
  it("writes buildx's metadata keys (classic store: the digest is the image ID)", () => {
    assert.deepEqual(buildMetadata('sha256:ab', ['docker.io/library/a:1', 'docker.io/library/b:latest']), {
      'containerimage.config.digest': 'sha256:ab',
      'containerimage.digest': 'sha256:ab',
      'image.name': 'docker.io/library/a:1,docker.io/library/b:latest',
    });
  });
});
