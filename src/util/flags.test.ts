import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlagError, parseFlags, type FlagSpec } from './flags.js';

const specs: FlagSpec[] = [
  { long: 'interactive', short: 'i', type: 'bool', help: '' },
  { long: 'tty', short: 't', type: 'bool', help: '' },
  { long: 'detach', short: 'd', type: 'bool', help: '' },
  { long: 'name', type: 'string', help: '' },
  { long: 'env', short: 'e', type: 'list', help: '' },
  { long: 'publish', short: 'p', type: 'list', help: '' },
  { long: 'time', short: 's', type: 'int', help: '', default: 10 },
  { long: 'rm', type: 'bool', help: '', default: true },
];

describe('parseFlags', () => {
  it('combines short booleans and reads values in all forms', () => {
    const { flags, args } = parseFlags(['-it', '--name=x', '-e', 'A=1', '-eB=2', '--env', 'C=3', '-p80:80', 'img'], specs);
    assert.equal(flags.bool('interactive'), true);
    assert.equal(flags.bool('tty'), true);
    assert.equal(flags.bool('detach'), false);
    assert.equal(flags.string('name'), 'x');
    assert.deepEqual(flags.list('env'), ['A=1', 'B=2', 'C=3']);
    assert.deepEqual(flags.list('publish'), ['80:80']);
    assert.deepEqual(args, ['img']);
  });

  it('stops at the first positional when not interspersed', () => {
    const { flags, args } = parseFlags(['-d', 'busybox', 'ls', '-l', '--name', 'y'], specs, { interspersed: false });
    assert.equal(flags.bool('detach'), true);
    assert.equal(flags.string('name'), '');
    assert.deepEqual(args, ['busybox', 'ls', '-l', '--name', 'y']);
  });

  it('allows flags after positionals when interspersed, and -- to end flags', () => {
    const { flags, args } = parseFlags(['a', '--name', 'n', 'b', '--', '-d'], specs);
    assert.equal(flags.string('name'), 'n');
    assert.deepEqual(args, ['a', 'b', '-d']);
  });

  it('parses booleans with =false, ints, and defaults', () => {
    const { flags } = parseFlags(['--rm=false', '-s', '3'], specs);
    assert.equal(flags.bool('rm'), false);
    assert.equal(flags.int('time'), 3);
    assert.equal(flags.changed('time'), true);
    const d = parseFlags([], specs).flags;
    assert.equal(d.int('time'), 10);
    assert.equal(d.bool('rm'), true);
    assert.equal(d.changed('rm'), false);
  });

  it('reports errors in pflag words', () => {
    assert.throws(() => parseFlags(['--nope'], specs), (e) => e instanceof FlagError && e.message === 'unknown flag: --nope');
    assert.throws(() => parseFlags(['-x'], specs), (e) => e instanceof FlagError && e.message === "unknown shorthand flag: 'x' in -x");
    assert.throws(() => parseFlags(['--name'], specs), (e) => e instanceof FlagError && e.message === 'flag needs an argument: --name');
    assert.throws(() => parseFlags(['-s', 'abc'], specs), /invalid argument "abc" for "-s, --time" flag/);
  });

  it('recognizes help', () => {
    assert.equal(parseFlags(['--help'], specs).help, true);
    assert.equal(parseFlags(['-h'], specs).help, true);
  });
});
