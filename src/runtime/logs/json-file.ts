/**
 * @module runtime/logs/json-file
 * Reads Docker json-file logs (written by the shim): one `{"log","stream","attrs"?,"time"}`
 * record per line, in the current file and its rotated predecessors (rotated-files.ts).
 * Supports `tail` (the last N records, found by reading backwards), `since`/`until`
 * (nanoseconds since the epoch), stream selection, and `follow`, which waits for appended
 * records (inotify on the directory through fs.watch, no polling) until the container stops,
 * and moves on to the new file at each rotation.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parseLogTime } from '../../util/log-time.js';
import { closeAll, countLines, fileLines, openIfExists, openRotated, openRotatedAfter, openRotatedNewerThan, type RotatedFile, tailOffset } from './rotated-files.js';

export interface LogRecord {
  stream: 'stdout' | 'stderr';
  /** The bytes of the record (a line, or part of a long one). */
  log: Buffer;
  /** The record's time as written (RFC 3339, nanoseconds). */
  time: string;
  /** The same, in nanoseconds since the epoch. */
  timeNs: bigint;
  /** Attributes the record was written with (log-opt labels/env), for `logs --details`. */
  attrs?: Record<string, string>;
}

/** How the shim writes a container's log (the json-file and local drivers). */
export interface LogSettings {
  driver: 'json-file' | 'local';
  /** Rotate once the file holds this many bytes or more (before the next record, as dockerd); undefined = never. */
  maxSize?: number;
  /** Files kept in all, the current one included (1 = the file starts over when full). */
  maxFiles: number;
  /** gzip rotated files. */
  compress: boolean;
  /** Written into every record as `attrs`. */
  attrs?: Record<string, string>;
}

export interface ReadLogsOptions {
  /** Which driver wrote the log (where its file is); json-file when absent. */
  driver?: 'json-file' | 'local';
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
    const j = JSON.parse(line) as { log?: string; stream?: string; time?: string; attrs?: Record<string, string> };
    if (typeof j.log !== 'string' || typeof j.time !== 'string') return undefined;
    const r: LogRecord = { stream: j.stream === 'stderr' ? 'stderr' : 'stdout', log: Buffer.from(j.log, 'utf8'), time: j.time, timeNs: parseLogTime(j.time) };
    if (j.attrs && typeof j.attrs === 'object') r.attrs = j.attrs;
    return r;
  } catch {
    return undefined;
  }
}

/**
 * Where reading starts: the rotated files to read (oldest first), where in the first of them
 * (lines to skip when gzip'd, a byte offset when plain), and the offset in the current file.
 */
interface StartPoint {
  rotated: RotatedFile[];
  skip: number;
  start: number;
  /** Offset in the current file (used when `rotated` is empty). */
  offset: number;
}

/** The last `n` lines across the current file and the rotated ones (newest first). */
async function tailStart(cur: FileHandle | undefined, size: number, rotated: RotatedFile[], n: number | undefined): Promise<StartPoint> {
  const all = { rotated, skip: 0, start: 0, offset: 0 };
  if (n === undefined || n < 0) return all;
  let need = n;
  if (cur) {
    const t = await tailOffset(cur, size, n);
    if (t.found >= n) return { rotated: [], skip: 0, start: 0, offset: t.offset };
    need -= t.found;
  }
  for (let i = rotated.length - 1; i >= 0; i--) {
    const f = rotated[i]!;
    let count: number;
    if (f.gz) count = await countLines(f);
    else {
      const t = await tailOffset(f.fh, (await f.fh.stat()).size, need);
      if (t.found >= need) return { rotated: rotated.slice(i), skip: 0, start: t.offset, offset: 0 };
      count = t.found;
    }
    if (count >= need) return { rotated: rotated.slice(i), skip: count - need, start: 0, offset: 0 };
    need -= count;
  }
  return all;
}


/**
 * The records of a log: its rotated files (oldest first, gzip'd or not) and then the current
 * file; with `follow`, records appended later too, across rotations, until `opts.stopped`.
 */
export async function* readLogs(path: string, opts: ReadLogsOptions = {}): AsyncGenerator<LogRecord> {
  const wantOut = opts.stdout ?? true;
  const wantErr = opts.stderr ?? true;
  // The current file first: a rotation after this point shows up again among the rotated files
  // (left out by inode), rather than being missed.
  let fh = await openIfExists(path);
  let ino = fh ? (await fh.stat()).ino : undefined;
  let rotated: RotatedFile[] = [];
  let watcher: FSWatcher | undefined;
  /** 'stop' past `until`; true to yield. */
  /** The time of the last record read, to find rotated files a follower has not read. */
  let lastNs: bigint | undefined;
  const accept = (r: LogRecord | undefined): boolean | 'stop' => {
    if (!r) return false;
    lastNs = r.timeNs;
    if (opts.until !== undefined && r.timeNs > opts.until) return 'stop';
    if (opts.since !== undefined && r.timeNs < opts.since) return false;
    return !((r.stream === 'stdout' && !wantOut) || (r.stream === 'stderr' && !wantErr));
  };
  try {
    rotated = await openRotated(path, ino);
    const size = fh ? (await fh.stat()).size : 0;
    const start = await tailStart(fh, size, rotated, opts.tail);
    for (const [i, f] of start.rotated.entries()) {
      for await (const line of fileLines(f, i === 0 ? { skip: start.skip, start: start.start } : {})) {
        const r = parseRecord(line);
        const ok = accept(r);
        if (ok === 'stop') return;
        if (ok) yield r!;
        if (opts.signal?.aborted) return;
      }
    }
    await closeAll(rotated);
    rotated = [];
    if (!fh) return;
    let pos = start.rotated.length ? 0 : start.offset;
    let pending = '';
    let decoder = new StringDecoder('utf8');
    const buf = Buffer.allocUnsafe(256 * 1024);
    let wake: (() => void) | undefined;
    let changed = true;
    let stopped = !opts.follow;
    if (opts.follow) {
      // The directory: the file is renamed away and made anew at each rotation.
      const base = basename(path);
      watcher = watch(dirname(path), (_ev, name) => {
        if (name && !String(name).startsWith(base)) return;
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
        if (bytesRead === 0) {
          if (!opts.follow) break;
          // Rotated away (read what the old file got before its rename, then switch), or
          // truncated (max-file=1: the shim starts the file over).
          const now = await stat(path).catch(() => undefined);
          if (!now) break;
          if (now.ino !== ino) {
            const more = await fh.read(buf, 0, buf.length, pos);
            if (more.bytesRead > 0) {
              pos += more.bytesRead;
              pending += decoder.write(buf.subarray(0, more.bytesRead));
              // Loop again: the old file may hold more than one buffer.
            } else {
              const next = await openIfExists(path);
              if (!next) break;
              const nextIno = (await next.stat()).ino;
              // Rotated more than once since: the files in between first.
              const missed =
                (ino === undefined ? [] : await openRotatedAfter(path, ino, nextIno)) ??
                (lastNs === undefined ? [] : await openRotatedNewerThan(path, lastNs, (l) => parseRecord(l)?.timeNs, nextIno));
              try {
                for (const f of missed) {
                  for await (const line of fileLines(f)) {
                    const r = parseRecord(line);
                    const ok = accept(r);
                    if (ok === 'stop') {
                      await next.close();
                      return;
                    }
                    if (ok) yield r!;
                  }
                }
              } finally {
                await closeAll(missed);
              }
              await fh.close();
              fh = next;
              ino = nextIno;
              pos = 0;
              pending = '';
              decoder = new StringDecoder('utf8');
              continue;
            }
          } else if (now.size < pos) {
            pos = 0;
            pending = '';
            decoder = new StringDecoder('utf8');
            continue;
          } else break;
        } else {
          pos += bytesRead;
          pending += decoder.write(buf.subarray(0, bytesRead));
        }
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          const r = parseRecord(line);
          const ok = accept(r);
          if (ok === 'stop') return;
          if (!ok) continue;
          yield r!;
          if (opts.signal?.aborted) return;
        }
      }
      if (finalPass) return;
      if (!changed && !stopped) await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    watcher?.close();
    await closeAll(rotated);
    await fh?.close();
  }
}
