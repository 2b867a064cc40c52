import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../../errdefs/index.js';
import { parseDuration } from './duration.js';
import { parsePortSpec } from './expose.js';
import { InstructionFlags } from './flags.js';
import { csvFields, parseMount, ramInBytes } from './run-mount.js';
import { checkChmod, checkSignal } from './validate.js';

describe('instruction values', () => {
  it('Go durations in nanoseconds', () => {
    assert.deepEqual(['30s', '1m30s', '500ms', '1.5h', '-2s', '0', '1us', '1µs', '.5s', '2h45m'].map(parseDuration), [
      30e9, 90e9, 500e6, 5400e9, -2e9, 0, 1e3, 1e3, 5e8, 9900e9,
    ]);
    for (const bad of ['', 's', '5', '1d', '--1s', '1.2.3s']) assert.throws(() => parseDuration(bad), InvalidArgument, bad);
    assert.throws(() => parseDuration('1d'), /time: unknown unit "d" in duration "1d"/);
  });

  it('flags: kinds, -- ends them, Docker\'s errors', () => {
    const f = new InstructionFlags(['--a', '--b=x', '--c=1', '--c=2', '--', '--ignored'], { a: 'bool', b: 'string', c: 'strings' });
    assert.deepEqual([f.bool('a'), f.string('b'), f.strings('c'), f.used], [true, 'x', ['1', '2'], ['a', 'b', 'c', 'c']]);
    assert.throws(() => new InstructionFlags(['-a'], { a: 'bool' }), /Arg should start with -- : -a/);
    assert.throws(() => new InstructionFlags(['--a='], { a: 'bool' }), /Missing a value on flag: a$/);
    assert.throws(() => new InstructionFlags(['--toString'], {}), /Unknown flag: toString/);
  });

  it('mount CSV, sizes, defaults', () => {
    assert.deepEqual(csvFields('a=1,"b=2,3","c=""q"""'), ['a=1', 'b=2,3', 'c="q"']);
    assert.throws(() => csvFields('"a'), /extraneous or missing "/);
    assert.deepEqual([ramInBytes('100'), ramInBytes('1k'), ramInBytes('1.5GiB'), ramInBytes('2 MB')], [100, 1024, 1.5 * 1024 ** 3, 2 * 1024 ** 2]);
    assert.deepEqual(parseMount('type=tmpfs,dst=/t'), { type: 'tmpfs', target: '/t', readOnly: false, required: false });
    assert.deepEqual(parseMount('target=/src,ro=false'), { type: 'bind', target: '/src', readOnly: false, required: false });
    assert.throws(() => parseMount('type=secret'), /one of source, target required/);
    assert.throws(() => parseMount('type=bind,sharing=locked,target=/x'), /invalid cache sharing set for bind mount/);
    assert.throws(() => parseMount('rx'), /invalid field 'rx' must be a key=value pair/);
    assert.deepEqual(parseMount('type=$T,target=$D', { expand: (w) => w.replace('$T', 'cache').replace('$D', '/d') }).type, 'cache');
  });

  it('port specs', () => {
    assert.deepEqual(parsePortSpec('127.0.0.1:8080:80/udp'), [{ port: 80, protocol: 'udp', key: '80/udp' }]);
    assert.deepEqual(parsePortSpec('[::1]:8000-8001:90-91').map((p) => p.key), ['90/tcp', '91/tcp']);
    assert.throws(() => parsePortSpec('999.1.1.1:80:80'), /invalid IP address: 999.1.1.1/);
    assert.throws(() => parsePortSpec('/tcp'), /no port specified/);
  });

  it('chmod and signals', () => {
    for (const ok of ['0', '644', '07777', 'u+x', 'ug=rw,o-rwx', 'a+X', 'g=u']) checkChmod(ok);
    for (const bad of ['8', '17777', 'u+q', 'rwx', '']) assert.throws(() => checkChmod(bad), InvalidArgument, bad);
    for (const ok of ['SIGKILL', 'term', '15', 'RTMAX-2', 'SIGRTMIN']) checkSignal(ok);
    for (const bad of ['0', 'SIGFOO', '', 'RTMIN+16']) assert.throws(() => checkSignal(bad), /Invalid signal/, bad);
  });
});
