/**
 * @module runtime/types
 * The container runtime: runs a container's process under runc, each under its own monitor
 * (berth-shim) that outlives berthd.
 *
 * Terms:
 * - *container directory*: persistent, `<dataRoot>/containers/<id>/`: the OCI bundle
 *   (`config.json`), the overlay mount point `rootfs/` with its `upper/` and `work/`, the
 *   /etc files, the json-file log and the exit file the shim writes.
 * - *shim directory*: volatile, `<execRoot>/shim/<id>/`: attach and console sockets, runc's
 *   pid file and log.
 *
 * Lifecycle of a container process: `create` (mount the root, write the bundle, runc create
 * under a new shim: the process exists but has not run) → `start` (runc start) → it runs;
 * `attach` any number of times → it exits: the shim writes the exit file and goes away →
 * `cleanup` (runc delete, unmount). `create` may follow again (restart). Execs run inside a
 * running container, each under its own shim, and need no cleanup beyond their directory.
 */
import type { ShimConnection, AttachWants } from './shim/client.js';
import type { LayerStack } from './overlay.js';
import type { EtcFiles, NetworkSetting, ResourceOptions } from './spec/generate.js';
import type { OciDevice, OciMount } from './spec/oci.js';
import type { ResolvedUser } from './spec/user.js';

export type { LayerStack, NetworkSetting, ResourceOptions, EtcFiles, OciMount, ResolvedUser, AttachWants, ShimConnection };

/** The process of a container, as Docker's Config describes it (entrypoint and cmd combined). */
export interface ProcessConfig {
  args: string[];
  /** Config.Env (the process gets PATH, HOSTNAME, TERM and HOME added). */
  env: string[] | null;
  /** Config.WorkingDir ('' = /). */
  cwd: string;
  /** Config.User ('' = root). */
  user: string;
  groupAdd?: string[];
  tty: boolean;
  /** Keep stdin open (Config.OpenStdin). */
  openStdin: boolean;
  consoleSize?: { height: number; width: number };
}

/** The container's environment, from HostConfig (and Config.Hostname). */
export interface HostSettings {
  hostname: string;
  domainname?: string;
  network: NetworkSetting;
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  noNewPrivileges?: boolean;
  /** undefined/'builtin': Docker's default seccomp profile; 'unconfined': none; else a profile's JSON. */
  seccomp?: string;
  apparmorProfile?: string;
  /** Replace Docker's masked and read-only paths (empty: `systempaths=unconfined`). */
  maskedPaths?: string[];
  readonlyPaths?: string[];
  readonlyRootfs?: boolean;
  /** Binds, volumes and tmpfs, resolved to OCI mounts. */
  mounts?: OciMount[];
  resources?: ResourceOptions;
  oomScoreAdj?: number;
  shmSize?: number;
  devices?: OciDevice[];
  sysctls?: Record<string, string>;
  /** `--init`: run the host's tini/catatonit as PID 1. */
  init?: boolean;
  extraHosts?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** The container's own addresses, for /etc/hosts. */
  addresses?: string[];
  /** Write the json-file log (containers: yes; build steps may not need it). */
  log?: boolean;
}

export interface CreateRequest {
  id: string;
  /** The container directory (created when missing). */
  dir: string;
  layers: LayerStack;
  process: ProcessConfig;
  host: HostSettings;
  /** Runs once the root is mounted, before the spec is written (e.g. copying image files into new volumes). */
  prepare?: (rootfs: string) => Promise<void>;
}

export interface CreatedProcess {
  /** Host PID of the container's init (not yet running the command until start). */
  pid: number;
  /** The environment the process got. */
  env: string[];
  user: ResolvedUser;
}

/** How a container process ended (the shim's exit file). */
export interface ExitStatus {
  exitCode: number;
  /** RFC 3339 with nanoseconds. */
  finishedAt: string;
  /** The signal that killed it, or 0. */
  signal: number;
}

export interface ExecRequest {
  containerId: string;
  /** The container directory (its bundle). */
  containerDir: string;
  execId: string;
  args: string[];
  /** -e values, on top of the container's environment. */
  env?: string[];
  user?: string;
  cwd?: string;
  tty: boolean;
  openStdin: boolean;
  privileged?: boolean;
  consoleSize?: { height: number; width: number };
  /** Someone will attach: the shim holds the output until they do (else it is discarded). */
  attach?: boolean;
}

/** A started exec: its process runs under its own shim. */
export interface ExecProcess {
  pid: number;
  /** Connects to the exec's monitor (only while it runs). */
  attach(wants: AttachWants, signal?: AbortSignal): Promise<ShimConnection>;
  /** The exit status once the exec has ended (undefined while it runs). */
  status(): Promise<ExitStatus | undefined>;
  /** Removes the exec's shim directory (after it ended). */
  remove(): Promise<void>;
}

export interface ContainerRuntime {
  create(req: CreateRequest): Promise<CreatedProcess>;
  start(id: string): Promise<void>;
  /** Connects to the container's monitor; ShimGone when the process has ended. */
  attach(id: string, wants: AttachWants, signal?: AbortSignal): Promise<ShimConnection>;
  kill(id: string, signal: number, opts?: { all?: boolean }): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Host PIDs of the container's processes. */
  pids(id: string): Promise<number[]>;
  /** The exit status the shim recorded for the last run, if any. */
  exitStatus(dir: string): Promise<ExitStatus | undefined>;
  /** After the process ended: forget it in runc, unmount the root, drop the shim directory. */
  cleanup(id: string, dir: string): Promise<void>;
  /** Starts an exec inside a running container (created and started at once). */
  exec(req: ExecRequest): Promise<ExecProcess>;
  /** Whether runc still knows the container (and its state). */
  state(id: string): Promise<'created' | 'running' | 'paused' | 'stopped' | undefined>;
  /** IDs of every container runc knows in this runtime's root. */
  list(): Promise<string[]>;
  /** Whether the kernel's OOM killer struck in the container's cgroup (ask before cleanup). */
  oomKilled(id: string): Promise<boolean>;
}
