/**
 * @module runtime/logs/json-file
 * Reads Docker json-file logs (written by the shim): one `{"log","stream","time"}` record per
 * line. Supports `tail` (the last N records, found by reading backwards), `since`/`until`
 * (nanoseconds since the epoch), stream selection, and `follow`, which waits for appended
 * records (inotify through fs.watch, no polling) until the container stops.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { parseLogTime } from '../../util/log-time.js';

export interface LogRecord {
  stream: 'stdout' | 'stderr';
  /** The bytes of the record (a line, or part of a long one). */
  log: Buffer;
  /** The record's time as written (RFC 3339, nanoseconds). */
  time: string;
  /** The same, in nanoseconds since the epoch. */
  timeNs: bigint;
}

export interface ReadLogsOptions {
  stdout?: boolean;
  stderr?: boolean;
  /** The last N records; undefined or negative = all. */
  tail?: number;
  /** Only records at or after this time (ns since the epoch). */
  since?: bigint;
  /** Only records at or before this time (ns since the epoch). */
  until?: bigint;
  /** Keep reading appended records until `stopped` resolves. */
  follow?: boolean;
  /** Resolves when the container is no longer running (required with `follow`). */
  stopped?: Promise<unknown>;
  signal?: AbortSignal;
}

function parseRecord(line: string): LogRecord | undefined {
  try {
    const j = JSON.parse(line) as { log?: string; stream?: string; time?: string };
    if (typeof j.log !== 'string' || typeof j.time !== 'string') return undefined;
    return { stream: j.stream === 'stderr' ? 'stderr' : 'stdout', log: Buffer.from(j.log, 'utf8'), time: j.time, timeNs: parseLogTime(j.time) };
  } catch {
    return undefined;
  }
}

/** Offset of the start of the last `n` lines of the file (0 when it has fewer). */
async function tailOffset(fh: FileHandle, size: number, n: number): Promise<number> {
  if (n === 0) return size;
  const chunk = 64 * 1024;
  let pos = size;
  let newlines = 0;
  // A final newline ends the last line rather than starting a new one.
  let skipLast = true;
  const buf = Buffer.allocUnsafe(chunk);
  while (pos > 0) {
    const len = Math.min(chunk, pos);
    pos -= len;
    const { bytesRead } = await fh.read(buf, 0, len, pos);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) continue;
      if (skipLast && pos + i === size - 1) continue;
      newlines++;
      if (newlines === n) return pos + i + 1;
    }
    skipLast = false;
  }
  return 0;
}

export async function* readLogs(path: string, opts: ReadLogsOptions = {}): AsyncGenerator<LogRecord> {
  const wantOut = opts.stdout ?? true;
  const wantErr = opts.stderr ?? true;
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  let watcher: FSWatcher | undefined;
  try {
    const size = (await fh.stat()).size;
    let pos = opts.tail !== undefined && opts.tail >= 0 ? await tailOffset(fh, size, opts.tail) : 0;
    let pending = '';
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.allocUnsafe(256 * 1024);
    let wake: (() => void) | undefined;
    let changed = true;
    let stopped = !opts.follow;
    if (opts.follow) {
      watcher = watch(path, () => {
        changed = true;
        wake?.();
      });
      watcher.on('error', () => {
        stopped = true;
        wake?.();
      });
      void opts.stopped?.then(() => {
        stopped = true;
        wake?.();
      });
      opts.signal?.addEventListener('abort', () => {
        stopped = true;
        wake?.();
      }, { once: true });
    }
    for (;;) {
      if (opts.signal?.aborted) return;
      const finalPass = stopped;
      changed = false;
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        pos += bytesRead;
        pending += decoder.write(buf.subarray(0, bytesRead));
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          const r = parseRecord(line);
          if (!r) continue;
          if (opts.until !== undefined && r.timeNs > opts.until) return;
          if (opts.since !== undefined && r.timeNs < opts.since) continue;
          if ((r.stream === 'stdout' && !wantOut) || (r.stream === 'stderr' && !wantErr)) continue;
          yield r;
          if (opts.signal?.aborted) return;
        }
      }
      if (finalPass) return;
      if (!changed && !stopped) await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    watcher?.close();
    await fh.close();
  }
}
