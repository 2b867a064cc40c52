/**
 * @module api/types/build
 * Wire shapes of POST /build, as dockerd 20.10 (API 1.41) speaks it for the legacy builder,
 * plus berth's optional structured progress (`events=1`).
 *
 * Query parameters read by berthd (Docker's names): `dockerfile`, `t` (repeated), `q`,
 * `nocache`, `pull`, `rm` (default true), `forcerm`, `target`, `platform`, `networkmode`,
 * `extrahosts` (repeated), `remote`, JSON `buildargs` ({name: value|null}), `labels`,
 * `cachefrom`. Header `X-Registry-Config`: base64 JSON of registry credentials.
 *
 * berth's own additions (ignored by Docker clients, never sent by them):
 * - `events=1`: send {@link BuildProgressEvent}s as `{"event": …}` instead of `stream` text.
 * - `contextpath`, `contextdev`, `contextino`: read the context from this directory on the
 *   daemon's host instead of a tar body (the berth CLI on the same machine). The daemon checks
 *   that the directory's device and inode match; when they do not, it answers 400 with
 *   {@link LOCAL_CONTEXT_MISMATCH} in the message and the CLI sends a tar instead.
 */

/** One event of berth's structured build progress (see build/events.ts for the order). */
export type BuildProgressEvent =
  | { kind: 'step'; step: number; total: number; stage: number; text: string }
  | { kind: 'triggers'; step: number; count: number }
  | { kind: 'cached'; step: number }
  | { kind: 'container'; step: number; id: string }
  | { kind: 'output'; step: number; stream: 'stdout' | 'stderr'; data: string }
  | { kind: 'removed'; step: number; id: string }
  | { kind: 'note'; step: number; text: string }
  | { kind: 'image'; step: number; id: string }
  | { kind: 'folded'; step: number }
  | { kind: 'stage'; stage: number; id: string }
  | { kind: 'warning'; text: string }
  | { kind: 'built'; id: string }
  | { kind: 'tagged'; name: string };

/** One message of the /build JSON stream (each sent as JSON + `\r\n`). */
export interface BuildMessage {
  stream?: string;
  aux?: { ID: string };
  /** The error text; also in errorDetail.message. */
  error?: string;
  /** `code` is the failing RUN's exit status (the docker CLI exits with it); absent otherwise. */
  errorDetail?: { code?: number; message: string };
  /** berth only, with `events=1`. */
  event?: BuildProgressEvent;
}

/** Marker in the 400 message when a local context path cannot be used by the daemon. */
export const LOCAL_CONTEXT_MISMATCH = 'local build context not visible to the daemon';
