/**
 * @module runtime/shim/protocol
 * The attach protocol of berth-shim (documented at the top of native/berth-shim-main.c):
 * 8-byte headers `[type, 0, 0, 0, length u32 BE]` both ways. Output frames use Docker's stream
 * numbers (1 stdout, 2 stderr), so an attach without a TTY can forward them unchanged.
 */

export const T_STDIN = 0x00;
export const T_STDOUT = 0x01;
export const T_STDERR = 0x02;
export const T_HELLO = 0x10;
export const T_READY = 0x11;
export const T_CLOSE_STDIN = 0x12;
export const T_RESIZE = 0x13;
export const T_EXIT = 0x14;

export const F_STDIN = 1;
export const F_STDOUT = 2;
export const F_STDERR = 4;

export const HEADER = 8;

export function frame(type: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.allocUnsafe(HEADER + payload.length);
  b[0] = type;
  b[1] = b[2] = b[3] = 0;
  b.writeUInt32BE(payload.length, 4);
  payload.copy(b, HEADER);
  return b;
}

export function helloFrame(want: { stdin?: boolean; stdout?: boolean; stderr?: boolean }): Buffer {
  const flags = (want.stdin ? F_STDIN : 0) | (want.stdout ? F_STDOUT : 0) | (want.stderr ? F_STDERR : 0);
  return frame(T_HELLO, Buffer.from([flags]));
}

export function resizeFrame(rows: number, cols: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt16BE(Math.max(0, Math.min(65535, rows)), 0);
  p.writeUInt16BE(Math.max(0, Math.min(65535, cols)), 2);
  return frame(T_RESIZE, p);
}

export interface Frame {
  type: number;
  payload: Buffer;
}

/** Splits a byte stream into frames. */
export class FrameDecoder {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    const buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const out: Frame[] = [];
    let off = 0;
    while (buf.length - off >= HEADER) {
      const len = buf.readUInt32BE(off + 4);
      if (buf.length - off - HEADER < len) break;
      out.push({ type: buf[off]!, payload: buf.subarray(off + HEADER, off + HEADER + len) });
      off += HEADER + len;
    }
    this.#pending = off === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(off));
    return out;
  }
}
