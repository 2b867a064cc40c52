/**
 * @module engine/containers/streams
 * Moving bytes between an API client and a process's shim connection: output as Docker's
 * multiplexed frames (no TTY) or raw (TTY), with backpressure; input with detach keys, and
 * closing the process's stdin when the client's input ends (StdinOnce).
 */
import type { Writable } from 'node:stream';
import { DEFAULT_DETACH_KEYS, DetachScanner, parseDetachKeys } from '../../util/detach-keys.js';
import type { ProcessConnection } from '../../runtime/types.js';
import type { ClientStreams } from './types.js';

/** Writes output to the client in Docker's format. */
export class OutputWriter {
  readonly #out: Writable;
  readonly #tty: boolean;

  constructor(out: Writable, tty: boolean) {
    this.#out = out;
    this.#tty = tty;
  }

  async write(stream: 1 | 2, data: Buffer): Promise<void> {
    if (this.#out.destroyed || this.#out.writableEnded) return;
    let ok: boolean;
    if (this.#tty) ok = this.#out.write(data);
    else {
      const h = Buffer.alloc(8);
      h[0] = stream;
      h.writeUInt32BE(data.length, 4);
      ok = this.#out.write(Buffer.concat([h, data]));
    }
    if (!ok) await new Promise<void>((r) => {
      const done = () => {
        this.#out.off('drain', done);
        this.#out.off('close', done);
        r();
      };
      this.#out.once('drain', done);
      this.#out.once('close', done);
    });
  }
}

export interface PumpOptions {
  tty: boolean;
  stdin: boolean;
  /** Close the process's stdin when the client's input ends. */
  stdinOnce: boolean;
  detachKeys?: string;
}

/**
 * Streams until the process's output ends (it exited) or the client goes away or detaches.
 * Resolves with how it ended.
 */
export async function pump(conn: ProcessConnection, client: ClientStreams, o: PumpOptions): Promise<'exited' | 'detached' | 'gone'> {
  const writer = new OutputWriter(client.output, o.tty);
  let ended: 'exited' | 'detached' | 'gone' = 'exited';
  const onGone = () => {
    if (ended === 'exited') ended = 'gone';
    conn.close();
  };
  client.output.once('close', onGone);
  if (o.stdin) {
    const scanner = new DetachScanner(o.detachKeys === '' ? Buffer.alloc(0) : parseDetachKeys(o.detachKeys || DEFAULT_DETACH_KEYS));
    client.input.on('data', (chunk: Buffer) => {
      const data = scanner.push(chunk);
      if (data.length && !conn.write(data)) {
        client.input.pause();
        void conn.drained().then(() => client.input.resume());
      }
      if (scanner.detached) {
        ended = 'detached';
        conn.close();
      }
    });
    client.input.once('end', () => {
      if (o.stdinOnce && ended === 'exited') conn.closeStdin();
    });
  } else {
    client.input.resume();
  }
  client.input.on('error', () => {});
  for await (const f of conn.output) {
    await writer.write(f.stream, f.data);
  }
  client.output.off('close', onGone);
  return ended;
}
