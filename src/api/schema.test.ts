import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../errdefs/index.js';
import { containerCreateSchema, execStartSchema } from './request-schemas.js';
import { decodeBody, s } from './schema.js';
import { isInternalError, publicMessage, redactPaths, setPrivateRoots } from './errors.js';

const create = (v: unknown) => decodeBody<Record<string, unknown>>(v, containerCreateSchema);

describe('decodeBody', () => {
  it("refuses a wrong type with Go's words, as a 400", () => {
    assert.throws(() => create({ Image: 5 }), (e: unknown) => {
      assert.ok(e instanceof InvalidArgument);
      assert.equal(
        (e as Error).message,
        'invalid JSON: json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Image of type string',
      );
      return true;
    });
    assert.throws(() => create({ HostConfig: { Memory: 'lots' } }), /cannot unmarshal string into Go struct field HostConfig\.HostConfig\.Memory of type int64$/);
    assert.throws(() => create({ HostConfig: { Memory: 1.5 } }), /cannot unmarshal number 1\.5 into Go struct field HostConfig\.HostConfig\.Memory of type int64$/);
    assert.throws(() => create({ Env: 'A=1' }), /cannot unmarshal string into Go struct field ContainerConfigWrapper\.Env of type \[\]string$/);
    assert.throws(() => create({ Env: ['A=1', 2] }), /of type string$/);
    assert.throws(() => create({ HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 80 }] } } }), /PortBinding\.HostConfig\.PortBindings\.HostPort of type string$/);
    assert.throws(() => create({ HostConfig: { BlkioWeight: 70000 } }), /number 70000 .* of type uint16$/);
    assert.throws(() => create([]), /cannot unmarshal array into Go value of type runconfig\.ContainerConfigWrapper$/);
    assert.throws(() => create('x'), /cannot unmarshal string into Go value/);
    assert.throws(() => decodeBody({ Tty: 'yes' }, execStartSchema), /Go struct field ExecStartCheck\.Tty of type bool$/);
  });

  it('accepts null anywhere, as Go does, matches names case-insensitively and keeps unknown fields', () => {
    assert.deepEqual(create(null), {});
    assert.deepEqual(create({ Image: null, HostConfig: null, Env: ['A', null] }), { Image: null, HostConfig: null, Env: ['A', ''] });
    assert.deepEqual(create({ image: 'busybox', hostconfig: { memory: 5 } }), { Image: 'busybox', HostConfig: { Memory: 5 } });
    assert.deepEqual(create({ Image: 'a', image: 'b' }), { Image: 'a' });
    assert.deepEqual(create({ Whatever: { deep: [1] } }), { Whatever: { deep: [1] } });
    assert.deepEqual(create({ Cmd: 'echo hi', Entrypoint: ['a', 'b'] }), { Cmd: 'echo hi', Entrypoint: ['a', 'b'] });
    assert.throws(() => create({ Cmd: 5 }), /of type \[\]string$/);
  });

  it('checks maps and lists of structs element by element', () => {
    const x = s.struct('t.T', { M: s.map(s.int('int')), L: s.array(s.struct('t.E', { N: s.bool() })) });
    assert.deepEqual(decodeBody({ M: { a: 1 }, L: [{ N: true }, null] }, x), { M: { a: 1 }, L: [{ N: true }, {}] });
    assert.throws(() => decodeBody({ L: [{ N: 1 }] }, x), /Go struct field E\.L\.N of type bool$/);
  });
});

describe('error messages', () => {
  it('never show a programming error or a private host path', () => {
    setPrivateRoots({ dataRoot: '/srv/berth-data/', execRoot: '/run/berth-x' });
    try {
      assert.equal(publicMessage(new TypeError('name.startsWith is not a function')), 'internal server error: see the daemon log');
      assert.ok(isInternalError(new RangeError('x')));
      assert.equal(
        publicMessage(new InvalidArgument('cannot mount /srv/berth-data/containers/abc/rootfs (/run/berth-x/s.sock)')),
        'cannot mount <data-root>/containers/abc/rootfs (<exec-root>/s.sock)',
      );
      assert.equal(redactPaths('/srv/other'), '/srv/other');
    } finally {
      setPrivateRoots({});
    }
  });
});
