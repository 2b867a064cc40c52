/**
 * @module engine/types
 * The engine is the set of use-case services the API serves. Each area (system, images,
 * containers, build, …) contributes one service; `daemon/wire.ts` builds them and chooses the
 * implementations. Services know nothing of HTTP.
 */
import type { InfoResponse, VersionResponse } from '../api/types/system.js';

/** Counts other services contribute to /info. */
export interface InfoCounts {
  containers?: { total: number; running: number; paused: number; stopped: number };
  images?: number;
}

/** /version, /info and the daemon's identity. */
export interface SystemService {
  version(): Promise<VersionResponse>;
  info(): Promise<InfoResponse>;
}

/** Paths and settings every service may read. */
export interface DaemonPaths {
  /** Persistent state, default /var/lib/berth. */
  dataRoot: string;
  /** Runtime state (socket, pid file), default /run/berth. */
  execRoot: string;
}
