/**
 * @module engine/containers/types
 * The container use cases the Engine API serves, split as the routes split them: lifecycle
 * and queries (ContainerService: create, start, stop, …, inspect, list) and a container's I/O
 * (ContainerIOService: attach, logs, wait, archive, export); and execs (ExecService).
 *
 * Lifecycle of a container: create (record, name, mounts planned; nothing runs) → start
 * (overlay root, bundle, process under runc and its shim) → running → exit (the shim records
 * the status; berth unmounts and updates the record) → start again, or remove. A running
 * container survives berthd restarts: its shim keeps it, and berthd reconnects on start-up.
 * Restart policies and AutoRemove act on each exit.
 */
import type { Readable, Writable } from 'node:stream';
import type {
  ContainerCreateRequest, ContainerCreateResponse, ContainerInspect, ContainerPruneReport, ContainerSummary, ExecCreateRequest,
  ContainerStatsWire, ExecInspect, PathStat, TopResponse, WaitResponse,
  ContainerChangeWire, ContainerUpdateRequest, ContainerUpdateResponse,
} from '../../api/types/containers.js';
import type { Digest } from '../../image/digest.js';
import type { CommitOptions } from './commit.js';
import type { LogRecord } from '../../runtime/types.js';
import type { StatsOptions } from './stats.js';

/** A raw two-way stream to a client (the API's hijacked connection). */
export interface ClientStreams {
  readonly input: Readable;
  readonly output: Writable;
  close(): void;
}

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Stream live output (else only `logs`). */
  stream: boolean;
  /** Replay the log first. */
  logs: boolean;
  detachKeys?: string;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface LogsOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  tail?: number;
  since?: bigint;
  until?: bigint;
  signal?: AbortSignal;
}

export interface ListOptions {
  all: boolean;
  limit?: number;
  size: boolean;
  filters: Map<string, string[]>;
}

export interface ContainerService {
  create(req: ContainerCreateRequest, opts: { name?: string; platform?: string }): Promise<ContainerCreateResponse>;
  start(ref: string): Promise<void>;
  stop(ref: string, opts?: { timeout?: number; signal?: string }): Promise<void>;
  kill(ref: string, signal?: string): Promise<void>;
  restart(ref: string, opts?: { timeout?: number; signal?: string }): Promise<void>;
  remove(ref: string, opts?: { force?: boolean; volumes?: boolean }): Promise<void>;
  list(opts: ListOptions): Promise<ContainerSummary[]>;
  inspect(ref: string, opts?: { size?: boolean }): Promise<ContainerInspect>;
  resize(ref: string, height: number, width: number): Promise<void>;
  top(ref: string, psArgs?: string): Promise<TopResponse>;
  rename(ref: string, newName: string): Promise<void>;
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  prune(filters: Map<string, string[]>): Promise<ContainerPruneReport>;
  /** New resource limits or restart policy (update.ts). */
  update(ref: string, req: ContainerUpdateRequest): Promise<ContainerUpdateResponse>;
  /** Its file system changes (`diff`). */
  changes(ref: string): Promise<ContainerChangeWire[]>;
  /** An image of its changes (`commit`); returns the image ID. */
  commit(ref: string, opts: CommitOptions): Promise<Digest>;
  counts(): { total: number; running: number; paused: number; stopped: number };
  /** Start-up: loads records, reconnects to running containers, applies restart policies. */
  recover(): Promise<void>;
  /** Shutdown: lets go of monitors (containers keep running). */
  close(): Promise<void>;
}

export interface ContainerIOService {
  /**
   * Registers a waiter and resolves once the container is known to exist (so the caller can
   * answer with headers before the condition is met); `result` resolves when it is met.
   */
  wait(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<{ result: Promise<WaitResponse> }>;
  /**
   * Streams a container's output to the client (and the client's input to it) until it ends.
   * `connect` takes over the client connection; it is called once the request is known valid.
   */
  attach(ref: string, opts: AttachOptions, connect: () => ClientStreams): Promise<void>;
  logs(ref: string, opts: LogsOptions): Promise<{ tty: boolean; records: AsyncIterable<LogRecord> }>;
  /** GET/HEAD /archive: the path's stat and, unless statOnly, its tar. */
  archive(ref: string, path: string, opts?: { statOnly?: boolean }): Promise<{ stat: PathStat; tar?: Readable }>;
  /** PUT /archive: extracts a tar into a directory of the container. */
  extract(ref: string, path: string, tar: Readable, opts?: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean }): Promise<void>;
  /** The container's file system as a tar (export). */
  export(ref: string): Promise<Readable>;
  /** GET /stats: NotFound at once for an unknown container, then the messages (stats.ts). */
  stats(ref: string, opts: StatsOptions): Promise<AsyncIterable<ContainerStatsWire>>;
}

export interface ExecService {
  create(containerRef: string, req: ExecCreateRequest): Promise<{ Id: string }>;
  /**
   * Starts; with `connect` (called once the request is known valid), streams until the exec
   * ends; without (Detach), returns once it runs.
   */
  start(id: string, opts: { detach: boolean; tty: boolean; consoleSize?: [number, number] }, connect?: () => ClientStreams): Promise<void>;
  resize(id: string, height: number, width: number): Promise<void>;
  inspect(id: string): Promise<ExecInspect>;
}
