/**
 * @module engine/containers/record
 * A container as berth stores it (`<dataRoot>/containers/<id>/container.json`): Docker's
 * Config and HostConfig as created, the resolved image, the mounts, and the state.
 */
import type { ContainerConfigWire, ContainerStateWire, HostConfigWire, MountPointWire } from '../../api/types/containers.js';
import type { EndpointConfigWire } from '../../api/types/networks.js';

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface ContainerRecord {
  ID: string;
  /** With the leading slash, as Docker shows it. */
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  Config: ContainerConfigWire & { Image: string; Env: string[] | null; Cmd: string[] | null; Entrypoint: string[] | null; Labels: Record<string, string> };
  HostConfig: HostConfigWire;
  /** The image ID (`sha256:…`). */
  ImageID: string;
  State: ContainerStateWire;
  RestartCount: number;
  Mounts: MountPointWire[];
  /** Set when a user stopped the container (restart policies leave it alone, unless-stopped too). */
  ManuallyStopped?: boolean;
  HasBeenStarted?: boolean;
  /** The networks it joins (name → endpoint settings), when it has networks. */
  NetworkConfig?: Record<string, EndpointConfigWire>;
}

export function initialState(): ContainerStateWire {
  return {
    Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
    Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME,
  };
}

export function isRunning(r: ContainerRecord): boolean {
  return r.State.Running;
}

/** Go's time.RFC3339Nano in UTC (trailing zeros of the fraction trimmed). */
export function nowRfc3339Nano(): string {
  const ms = Date.now();
  const hr = process.hrtime.bigint() % 1_000_000n;
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (String(ms % 1000).padStart(3, '0') + hr.toString().padStart(6, '0')).replace(/0+$/, '');
  return frac ? `${base}.${frac}Z` : `${base}Z`;
}
