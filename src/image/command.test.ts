import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../errdefs/index.js';
import { mergeCommand, processCommand } from './command.js';

const image = { Entrypoint: ['/entry.sh', '-x'], Cmd: ['serve', '--port', '80'] };

describe('mergeCommand', () => {
  it('uses the image ENTRYPOINT and CMD when run has none', () => {
    assert.deepEqual(mergeCommand({}, image), { Entrypoint: ['/entry.sh', '-x'], Cmd: ['serve', '--port', '80'] });
  });
  it('arguments after the image replace CMD and keep ENTRYPOINT', () => {
    assert.deepEqual(mergeCommand({ Cmd: ['version'] }, image), { Entrypoint: ['/entry.sh', '-x'], Cmd: ['version'] });
  });
  it('--entrypoint replaces ENTRYPOINT and clears the image CMD', () => {
    assert.deepEqual(mergeCommand({ Entrypoint: ['/bin/sh'] }, image), { Entrypoint: ['/bin/sh'], Cmd: null });
    assert.deepEqual(mergeCommand({ Entrypoint: ['/bin/sh'], Cmd: ['-c', 'id'] }, image), { Entrypoint: ['/bin/sh'], Cmd: ['-c', 'id'] });
  });
  it('--entrypoint "" clears ENTRYPOINT, and the image CMD with it', () => {
    assert.deepEqual(mergeCommand({ Entrypoint: [''] }, image), { Entrypoint: null, Cmd: null });
    assert.deepEqual(mergeCommand({ Entrypoint: [''], Cmd: ['ls'] }, image), { Entrypoint: null, Cmd: ['ls'] });
  });
  it('an empty Entrypoint array in the request keeps the image CMD but not its ENTRYPOINT', () => {
    assert.deepEqual(mergeCommand({ Entrypoint: [] }, image), { Entrypoint: null, Cmd: ['serve', '--port', '80'] });
  });
  it('works for images with only CMD (shell form stored as sh -c)', () => {
    const shell = { Entrypoint: null, Cmd: ['/bin/sh', '-c', 'echo $HOME'] };
    assert.deepEqual(mergeCommand({}, shell), { Entrypoint: null, Cmd: ['/bin/sh', '-c', 'echo $HOME'] });
    assert.deepEqual(mergeCommand({ Cmd: ['id'] }, shell), { Entrypoint: null, Cmd: ['id'] });
  });
});

describe('processCommand', () => {
  it('joins ENTRYPOINT and CMD', () => {
    assert.deepEqual(processCommand({ Entrypoint: ['/e'], Cmd: ['a', 'b'] }), { path: '/e', args: ['a', 'b'] });
    assert.deepEqual(processCommand({ Entrypoint: null, Cmd: ['echo', 'hi'] }), { path: 'echo', args: ['hi'] });
  });
  it('fails with Docker\'s message when there is nothing to run', () => {
    assert.throws(() => processCommand({ Entrypoint: null, Cmd: null }), (e: unknown) => e instanceof InvalidArgument && e.message === 'No command specified');
  });
});
