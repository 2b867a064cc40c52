import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../../errdefs/index.js';
import { logAttrs, logSettings, mergeLogConfig, parseHumanSize } from './log-config.js';

const src = { labels: { b: '2', a: '1', other: 'x' }, env: ['E=x', 'PATH=/bin', 'EMPTY='] };
const settings = (Type: string, Config: Record<string, string>) => logSettings({ Type, Config }, src);
const fails = (Type: string, Config: Record<string, string>, text: string) =>
  assert.throws(() => settings(Type, Config), (e: Error) => e instanceof InvalidArgument && e.message === text);

describe('log config at create', () => {
  it('defaults to the daemon driver and merges its options when the driver matches', () => {
    assert.deepEqual(mergeLogConfig(undefined), { Type: 'json-file', Config: {} });
    assert.deepEqual(mergeLogConfig({ Type: '', Config: {} }), { Type: 'json-file', Config: {} });
    const dflt = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } };
    assert.deepEqual(mergeLogConfig({ Type: '', Config: { 'max-file': '5' } }, dflt), { Type: 'json-file', Config: { 'max-file': '5', 'max-size': '10m' } });
    assert.deepEqual(mergeLogConfig({ Type: 'local', Config: {} }, dflt), { Type: 'local', Config: {} });
    assert.deepEqual(mergeLogConfig(null, { Type: 'none', Config: {} }), { Type: 'none', Config: {} });
  });
  it("refuses unknown drivers and options with dockerd's words", () => {
    assert.throws(() => mergeLogConfig({ Type: 'foo', Config: {} }), { message: 'error looking up logging plugin foo: plugin "foo" not found' });
    assert.throws(() => mergeLogConfig({ Type: 'json-file', Config: { x: '1' } }), { message: "unknown log opt 'x' for json-file log driver" });
    assert.throws(() => mergeLogConfig({ Type: 'local', Config: { labels: 'a' } }), { message: "unknown log opt 'labels' for log driver local" });
    assert.doesNotThrow(() => mergeLogConfig({ Type: 'json-file', Config: { tag: 'x', 'labels-regex': 'a', 'env-regex': 'b', compress: 'x' } }));
  });
});

describe('log settings at start', () => {
  it('parses sizes as go-units FromHumanSize (decimal)', () => {
    assert.equal(parseHumanSize('10m'), 10_000_000);
    assert.equal(parseHumanSize('10MiB'), 10_000_000);
    assert.equal(parseHumanSize('1.5k'), 1500);
    assert.equal(parseHumanSize('1 GB'), 1e9);
    assert.equal(parseHumanSize('42'), 42);
    assert.throws(() => parseHumanSize('-1'), { message: "invalid size: '-1'" });
    assert.throws(() => parseHumanSize('abc'), { message: "invalid size: 'abc'" });
  });
  it('json-file: unlimited by default, rotation with max-size/max-file/compress', () => {
    assert.deepEqual(settings('json-file', {}), { driver: 'json-file', maxSize: undefined, maxFiles: 1, compress: false });
    assert.deepEqual(settings('json-file', { 'max-size': '10m', 'max-file': '3', compress: 'true' }), { driver: 'json-file', maxSize: 10_000_000, maxFiles: 3, compress: true });
    // max-file without max-size is accepted (and changes nothing), as dockerd does.
    assert.deepEqual(settings('json-file', { 'max-file': '3' }), { driver: 'json-file', maxSize: undefined, maxFiles: 3, compress: false });
  });
  it("json-file: dockerd's errors for bad values", () => {
    fails('json-file', { 'max-size': 'abc' }, "invalid size: 'abc'");
    fails('json-file', { 'max-size': '0' }, 'max-size must be a positive number');
    fails('json-file', { 'max-file': '0' }, 'max-file cannot be less than 1');
    fails('json-file', { 'max-file': 'x' }, 'strconv.Atoi: parsing "x": invalid syntax');
    fails('json-file', { 'max-file': '99999999999999999999' }, 'strconv.Atoi: parsing "99999999999999999999": value out of range');
    fails('json-file', { 'max-size': '1m', 'max-file': '2', compress: 'yes' }, 'strconv.ParseBool: parsing "yes": invalid syntax');
    fails('json-file', { compress: 'true' }, 'compress cannot be true when max-file is less than 2 or max-size is not set');
    fails('json-file', { compress: 'true', 'max-size': '1m' }, 'compress cannot be true when max-file is less than 2 or max-size is not set');
  });
  it('local: 20 MiB, 5 files, compressed by default', () => {
    assert.deepEqual(settings('local', {}), { driver: 'local', maxSize: 20 * 1024 * 1024, maxFiles: 5, compress: true });
    assert.deepEqual(settings('local', { 'max-size': '1m', 'max-file': '3', compress: 'false' }), { driver: 'local', maxSize: 1_000_000, maxFiles: 3, compress: false });
    assert.deepEqual(settings('local', { 'max-size': '0', 'max-file': '0', compress: 'false' }), { driver: 'local', maxSize: undefined, maxFiles: 1, compress: false });
    fails('local', { 'max-size': 'abc' }, "invalid value for max-size: abc: invalid size: 'abc'");
    fails('local', { 'max-file': 'x' }, 'invalid value for max-file: x: strconv.Atoi: parsing "x": invalid syntax');
    fails('local', { 'max-file': '-1' }, 'max file count cannot be less than 0');
    fails('local', { 'max-file': '1' }, 'compression cannot be enabled when max file count is 1');
    fails('local', { compress: 'x' }, 'error reading compress log option: strconv.ParseBool: parsing "x": invalid syntax');
  });
  it('none keeps nothing', () => {
    assert.equal(settings('none', {}), false);
  });
  it('attrs from labels and env named by the options', () => {
    assert.deepEqual(logAttrs({ labels: 'b,a,missing', env: 'E,EMPTY' }, src), { b: '2', a: '1', E: 'x', EMPTY: '' });
    assert.deepEqual(logAttrs({ 'labels-regex': '^o', 'env-regex': '^PA' }, src), { other: 'x', PATH: '/bin' });
    assert.deepEqual(logAttrs({}, src), {});
    assert.deepEqual(settings('json-file', { labels: 'a' }), { driver: 'json-file', maxSize: undefined, maxFiles: 1, compress: false, attrs: { a: '1' } });
  });
});
