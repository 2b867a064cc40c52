/**
 * @module runtime/shim/client
 * A connection to a shim's attach socket. `connect` says which streams it wants and resolves
 * once the shim has registered it (READY), so nothing the process writes afterwards is missed.
 * Output arrives as frames in an object-mode stream (with backpressure: the socket pauses when
 * the consumer lags); `exit` resolves with the exit status the shim announces, or undefined
 * when the connection ends without one.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { SystemError } from '../../errdefs/index.js';
import { ProcessGone, type AttachWants, type OutputFrame, type ProcessConnection } from '../types.js';
import {
  FrameDecoder, T_CLOSE_STDIN, T_EXIT, T_READY, T_STDERR, T_STDIN, T_STDOUT, frame, helloFrame, resizeFrame, type Frame,
} from './protocol.js';

export type { AttachWants, OutputFrame };

/** Nothing listens at the socket: the process has exited (or its shim is gone). */
export class ShimGone extends ProcessGone {}

export class ShimConnection implements ProcessConnection {
  readonly pid: number;
  readonly output: Readable;
  readonly exit: Promise<number | undefined>;
  readonly #socket: Socket;

  private constructor(socket: Socket, pid: number, output: Readable, exit: Promise<number | undefined>) {
    this.#socket = socket;
    this.pid = pid;
    this.output = output;
    this.exit = exit;
  }

  static connect(path: string, wants: AttachWants, opts: { signal?: AbortSignal } = {}): Promise<ShimConnection> {
    return new Promise((resolve, reject) => {
      const socket = netConnect(path);
      const decoder = new FrameDecoder();
      let ready = false;
      let exitResolve!: (v: number | undefined) => void;
      const exit = new Promise<number | undefined>((r) => (exitResolve = r));
      let exitCode: number | undefined;
      const output = new Readable({
        objectMode: true,
        highWaterMark: 16,
        read: () => socket.resume(),
      });
      const onAbort = () => socket.destroy();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const handle = (f: Frame) => {
        if (!ready) {
          if (f.type !== T_READY) return;
          ready = true;
          resolve(new ShimConnection(socket, Number(f.payload.toString()), output, exit));
          return;
        }
        if (f.type === T_STDOUT || f.type === T_STDERR) {
          if (!output.push({ stream: f.type, data: Buffer.from(f.payload) } satisfies OutputFrame)) socket.pause();
        } else if (f.type === T_EXIT) {
          exitCode = Number(f.payload.toString());
        }
      };
      socket.on('data', (chunk: Buffer) => {
        for (const f of decoder.push(chunk)) handle(f);
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        if (!ready) {
          reject(
            e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
              ? new ShimGone(`the container process is not running (no monitor at ${path})`, { cause: e })
              : new SystemError(`connecting to the container monitor: ${e.message}`, { cause: e }),
          );
        }
      });
      socket.on('close', () => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (!ready) reject(new ShimGone('the container process exited before it could be attached'));
        output.push(null);
        exitResolve(exitCode);
      });
      socket.write(helloFrame(wants));
    });
  }

  /** Bytes for the process's stdin (when connected with stdin). */
  write(data: Buffer): boolean {
    if (this.#socket.destroyed || data.length === 0) return true;
    return this.#socket.write(frame(T_STDIN, data));
  }

  /** Waits until the socket can take more stdin. */
  drained(): Promise<void> {
    return new Promise((r) => (this.#socket.writableNeedDrain ? this.#socket.once('drain', () => r()) : r()));
  }

  closeStdin(): void {
    if (!this.#socket.destroyed) this.#socket.write(frame(T_CLOSE_STDIN));
  }

  resize(rows: number, cols: number): void {
    if (!this.#socket.destroyed) this.#socket.write(resizeFrame(rows, cols));
  }

  close(): void {
    this.#socket.destroy();
  }

  get closed(): boolean {
    return this.#socket.destroyed;
  }
}
