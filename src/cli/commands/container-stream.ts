/**
 * @module cli/commands/container-stream
 * The client side of attach and exec: demultiplexing Docker's stdout/stderr frames (or raw
 * bytes with a TTY), stdin in raw mode for a TTY, half-closing the connection when stdin ends,
 * the detach key sequence (ctrl-p,ctrl-q by default; it ends the command, the container keeps
 * running), and terminal size changes sent to the daemon.
 */
import type { Socket } from 'node:net';
import type { Client } from '../../client/client.js';
import { ExitError } from '../command.js';

/** "ctrl-p,ctrl-q" → bytes; docker's notation. */
export function detachSequence(spec: string | undefined): Buffer {
  const out: number[] = [];
  for (const raw of (spec || 'ctrl-p,ctrl-q').split(',')) {
    const k = raw.trim().toLowerCase();
    if (k.length === 1) out.push(raw.trim().charCodeAt(0));
    else {
      const m = /^ctrl-([a-z@[\\\]^_])$/.exec(k);
      if (!m) throw new ExitError(1, `Invalid detach keys (${spec}) provided`);
      const c = m[1]!;
      out.push(c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 }[c]!);
    }
  }
  return Buffer.from(out);
}

/** Writes a daemon output stream to our stdout/stderr: raw with a TTY, else demultiplexed frames. */
export function outputSink(tty: boolean, out: NodeJS.WritableStream, err: NodeJS.WritableStream): (chunk: Buffer) => void {
  if (tty) return (chunk) => void out.write(chunk);
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const len = pending.readUInt32BE(4);
      if (pending.length < 8 + len) break;
      (pending[0] === 2 ? err : out).write(pending.subarray(8, 8 + len));
      pending = pending.subarray(8 + len);
    }
  };
}

/** Copies a (non-hijacked) output stream such as logs until it ends. */
export async function copyOutput(source: AsyncIterable<Buffer>, tty: boolean, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<void> {
  const sink = outputSink(tty, out, err);
  for await (const chunk of source) sink(chunk);
}

export interface StreamOptions {
  tty: boolean;
  /** Send our stdin. */
  stdin: boolean;
  detachKeys?: string;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  input: NodeJS.ReadStream;
}

/**
 * Streams until the connection ends; 'detached' when the user typed the detach keys. Callers
 * that do other requests between the hijack and this call must `pause()` the socket at once,
 * or output that arrives meanwhile is lost.
 */
export function streamConnection(socket: Socket, o: StreamOptions): Promise<'ended' | 'detached'> {
  return new Promise((resolve) => {
    let result: 'ended' | 'detached' = 'ended';
    socket.on('data', outputSink(o.tty, o.out, o.err));
    const wasRaw = o.input.isTTY ? o.input.isRaw : false;
    const restore = () => {
      if (o.stdin) {
        if (o.tty && o.input.isTTY && !wasRaw) o.input.setRawMode(false);
        o.input.pause();
        o.input.removeListener('data', onInput);
      }
    };
    const keys = detachSequence(o.detachKeys);
    let matched = 0;
    const onInput = (chunk: Buffer) => {
      const send: number[] = [];
      for (const byte of chunk) {
        if (keys.length && byte === keys[matched]) {
          matched++;
          if (matched === keys.length) {
            result = 'detached';
            restore();
            socket.destroy();
            return;
          }
          continue;
        }
        for (let i = 0; i < matched; i++) send.push(keys[i]!);
        matched = 0;
        if (keys.length && byte === keys[0]) matched = 1;
        else send.push(byte);
      }
      if (send.length) socket.write(Buffer.from(send));
    };
    if (o.stdin) {
      if (o.tty && o.input.isTTY) o.input.setRawMode(true);
      o.input.on('data', onInput);
      o.input.once('end', () => {
        if (!socket.destroyed) socket.end();
      });
      o.input.resume();
    }
    socket.on('error', () => {});
    if (socket.destroyed) {
      restore();
      resolve(result);
      return;
    }
    socket.once('close', () => {
      restore();
      resolve(result);
    });
    socket.resume();
  });
}

/** Sends the terminal size now and whenever it changes; returns a function that stops. */
export function followTerminalSize(client: Client, path: string, out: NodeJS.WriteStream): () => void {
  if (!out.isTTY) return () => {};
  const send = () => {
    const h = out.rows ?? 0;
    const w = out.columns ?? 0;
    if (h === 0 && w === 0) return;
    void client.request('POST', path, { query: { h, w } }).then((r) => r.resume(), () => {});
  };
  send();
  out.on('resize', send);
  return () => out.off('resize', send);
}

/** Docker's exit status for a failed start: 127 not found, 126 not runnable, else 125. */
export function startErrorStatus(message: string): number {
  if (/executable file not found|no such file or directory/.test(message)) return 127;
  if (/permission denied/.test(message)) return 126;
  return 125;
}
