import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameDecoder, T_STDOUT, frame, helloFrame, resizeFrame } from './protocol.js';

describe('shim protocol', () => {
  it('encodes Docker-style headers', () => {
    assert.deepEqual([...frame(T_STDOUT, Buffer.from('hi'))], [1, 0, 0, 0, 0, 0, 0, 2, 104, 105]);
    assert.deepEqual([...helloFrame({ stdout: true, stderr: true })], [0x10, 0, 0, 0, 0, 0, 0, 1, 6]);
    assert.deepEqual([...resizeFrame(40, 300)], [0x13, 0, 0, 0, 0, 0, 0, 4, 0, 40, 1, 44]);
  });
  it('decodes frames split anywhere', () => {
    const bytes = Buffer.concat([frame(1, Buffer.from('hello')), frame(2, Buffer.from('')), frame(0x14, Buffer.from('3'))]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = new FrameDecoder();
      const got = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
      assert.deepEqual(got.map((f) => [f.type, f.payload.toString()]), [[1, 'hello'], [2, ''], [0x14, '3']]);
    }
  });
});
