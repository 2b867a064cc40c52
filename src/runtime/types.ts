/**
 * @module runtime/types
 * The container runtime: runs a container's process under runc, each under its own monitor
 * (berth-shim) that outlives berthd. This file is the whole contract the engine sees: the
 * engine imports nothing else from runtime/ (daemon/ picks the implementation).
 *
 * Terms:
 * - *container directory*: persistent, `<dataRoot>/containers/<id>/`, chosen by the caller:
 *   the OCI bundle, the overlay mount point with its upper and work directories, the /etc
 *   files, the json-file log and the exit file the monitor writes (`paths` names them).
 * - *monitor*: the process that holds a container process's stdio, writes its log and records
 *   its exit status; a *connection* to it (`attach`) streams output and input and learns the
 *   exit. When the process has ended the monitor is gone (`ProcessGone`).
 *
 * Lifecycle of a container process: `create` (mount the root, write the bundle, create the
 * process under a new monitor: it exists but has not run) → `start` → it runs; `attach` any
 * number of times → it exits: the monitor writes the exit file and goes away → `cleanup`
 * (forget it, unmount). `create` may follow again (restart). Execs run inside a running
 * container, each under its own monitor, and need no cleanup beyond `remove`. A stopped
 * container's root can be mounted on its own (`mountRoot` … `unmountRoot`) to read or write
 * its files.
 *
 * Roles: ProcessRuntime (the lifecycle above), ExecRuntime, ContainerFileAccess (paths, root,
 * log) and ResourceHooks (cgroup); ContainerRuntime is all four. runtime/testing holds a fake
 * implementation and the contract suite every implementation runs.
 */
import { NotFound, SystemError } from '../errdefs/index.js';
import type { LogRecord, LogSettings, ReadLogsOptions } from './logs/json-file.js';
import type { LayerStack } from './overlay.js';
import type { EtcFiles, NetworkSetting, ResourceOptions } from './spec/generate.js';
import type { OciDevice, OciMount } from './spec/oci.js';
import type { ResolvedUser } from './spec/user.js';
import type { ResourceUpdate } from './spec/update-resources.js';

import type { ResourceUsage } from './cgroup-stats.js';
export type { BlkioEntry, NetworkCounters, ResourceUsage } from './cgroup-stats.js';
export type { LayerStack, NetworkSetting, ResourceOptions, EtcFiles, OciMount, ResolvedUser, LogRecord, LogSettings, ReadLogsOptions };
export type { ResourceUpdate };

/** The monitor is gone: the process has ended (or never ran). */
export class ProcessGone extends NotFound {}

/**
 * Creating a process (a container's or an exec's) failed in the low-level runtime. `detail` is
 * its own message (runc's), which Docker quotes in its errors.
 */
export class ProcessCreateError extends SystemError {
  readonly detail: string;
  constructor(message: string, detail: string, options?: { cause?: unknown }) {
    super(message, options);
    this.detail = detail;
  }
}

/** The command does not exist in the container (Docker: exit status 127). */
export class CommandNotFound extends ProcessCreateError {}

/** The command exists but cannot be run, e.g. permission denied (Docker: exit status 126). */
export class CommandNotRunnable extends ProcessCreateError {}

/** A piece of a process's output, as its monitor forwards it. */
export interface OutputFrame {
  /** 1 = stdout, 2 = stderr. */
  stream: 1 | 2;
  data: Buffer;
}

/** Which of the process's streams a connection wants. */
export interface AttachWants {
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

/**
 * A connection to a process's monitor. It is registered when `attach` resolves, so nothing the
 * process writes afterwards is missed. `output` ends when the process has exited or the
 * connection closed; `exit` then resolves with the status the monitor announced (undefined when
 * the connection ended without one).
 */
export interface ProcessConnection {
  /** The host PID of the process. */
  readonly pid: number;
  readonly output: AsyncIterable<OutputFrame>;
  readonly exit: Promise<number | undefined>;
  /** Writes to the process's stdin; false: wait for `drained()`. */
  write(data: Buffer): boolean;
  drained(): Promise<void>;
  closeStdin(): void;
  resize(rows: number, cols: number): void;
  close(): void;
}

/** Where a container's files are, inside its container directory. */
export interface ContainerPaths {
  /** The mount point of its root (while mounted). */
  rootfs: string;
  /** Its own files (the overlay upper directory) and overlay's work directory. */
  upper: string;
  work: string;
  /** The init layer (the runtime's mount points, /.dockerenv): the lower layer right under `upper`. */
  init: string;
  hosts: string;
  hostname: string;
  resolvConf: string;
  /** The json-file log. */
  log: string;
}

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

/** A namespace of the container: its own (absent), the host's, or another process's (a /proc/PID/ns path). */
export type NamespaceSetting = { mode: 'host' } | { mode: 'path'; path: string };

/**
 * `--ipc`, `--pid`, `--uts`, `--cgroupns`: absent = a namespace of its own (cgroup: the host's).
 * IPC `none` is a namespace of its own without /dev/shm; `shareable` puts its /dev/shm on a
 * tmpfs in the container directory, so a container that joins its IPC namespace (`container`:
 * that container's init PID and directory) mounts the same one.
 */
export interface NamespaceSettings {
  ipc?: { mode: 'host' } | { mode: 'none' } | { mode: 'shareable' } | { mode: 'container'; pid: number; dir: string };
  pid?: NamespaceSetting;
  uts?: { mode: 'host' };
  cgroup?: { mode: 'private' };
}

/** The container's environment, from HostConfig (and Config.Hostname). */
export interface HostSettings {
  namespaces?: NamespaceSettings;
  /** `--cgroup-parent` (cgroupfs path; default the runtime's own parent). */
  cgroupParent?: string;
  /** HostConfig.Annotations, as the OCI spec's annotations. */
  annotations?: Record<string, string>;
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
  /** `--ulimit`: RLIMIT_<NAME> soft/hard. */
  rlimits?: { type: string; hard: number; soft: number }[];
  shmSize?: number;
  /** `--device`: the node, and the cgroup access it is given (default rwm). */
  devices?: (OciDevice & { access?: string })[];
  sysctls?: Record<string, string>;
  /** `--init`: run the host's tini/catatonit as PID 1. */
  init?: boolean;
  extraHosts?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** The container's own addresses, for /etc/hosts. */
  addresses?: string[];
  /**
   * Another container's /etc/hosts, /etc/resolv.conf and /etc/hostname, bound instead of files
   * of its own (`--network container:NAME`, whose network settings are that container's).
   */
  sharedEtcFiles?: EtcFiles;
  /**
   * The container's log: true or absent = json-file without limits; false = none (build steps
   * may not need it); settings = the driver's file, rotation and record attributes.
   */
  log?: boolean | LogSettings;
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
  /** Its network namespace (the one HostSettings.network named, or a new one). */
  netnsPath: string;
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
  attach(wants: AttachWants, signal?: AbortSignal): Promise<ProcessConnection>;
  /** The exit status once the exec has ended (undefined while it runs). */
  status(): Promise<ExitStatus | undefined>;
  /** Signals the exec's process (nothing once it has ended). */
  kill(signal: NodeJS.Signals | number): Promise<void>;
  /** Removes the exec's shim directory (after it ended). */
  remove(): Promise<void>;
}

/** Container processes: create one, start it, signal and watch it, clean up after it. */
export interface ProcessRuntime {
  /** Creates the process, not yet running; CommandNotFound / CommandNotRunnable / ProcessCreateError when the runtime refused it. */
  create(req: CreateRequest): Promise<CreatedProcess>;
  start(id: string): Promise<void>;
  /** Connects to the container's monitor; ProcessGone when the process has ended. */
  attach(id: string, wants: AttachWants, signal?: AbortSignal): Promise<ProcessConnection>;
  kill(id: string, signal: number, opts?: { all?: boolean }): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Host PIDs of the container's processes. */
  pids(id: string): Promise<number[]>;
  /** The exit status the monitor recorded for the last run, if any. */
  exitStatus(dir: string): Promise<ExitStatus | undefined>;
  /** After the process ended: forget it, unmount the root, drop the monitor's files. */
  cleanup(id: string, dir: string): Promise<void>;
  /** Whether the runtime still knows the container (and its state). */
  state(id: string): Promise<'created' | 'running' | 'paused' | 'stopped' | undefined>;
  /** IDs of every container this runtime knows. */
  list(): Promise<string[]>;
  /** Whether the kernel's OOM killer struck in the container's cgroup (ask before cleanup). */
  oomKilled(id: string): Promise<boolean>;
}

/** Processes run inside a running container. */
export interface ExecRuntime {
  /** Starts an exec (created and started at once). */
  exec(req: ExecRequest): Promise<ExecProcess>;
}

/** A container's files: where they are, its root mounted on its own, its log. */
export interface ContainerFileAccess {
  /** Where the container's files are (pure). */
  paths(dir: string, id: string): ContainerPaths;
  /** Mounts a container's root (not running) for access to its files; returns the mount point. */
  mountRoot(id: string, dir: string, layers: LayerStack): Promise<string>;
  /** Unmounts what mountRoot mounted (nothing when not mounted). */
  unmountRoot(id: string, dir: string): Promise<void>;
  /**
   * Rewrites a container's /etc/resolv.conf as create writes it (the host's resolvers, loopback
   * ones dropped, or `dns`), in place so a running container sees it (its networks changed).
   */
  writeResolvConf(dir: string, id: string, settings: Pick<HostSettings, 'dns' | 'dnsSearch' | 'dnsOptions'>): Promise<void>;
  /** The container's log records (json-file), optionally following until `opts.stopped`. */
  readLogs(id: string, dir: string, opts?: ReadLogsOptions): AsyncIterable<LogRecord>;
}

/**
 * What network and stats work read of a container. (Its network namespace is the created
 * process's, CreatedProcess.netnsPath, joined between create and start.)
 */
export interface ResourceHooks {
  /** The container's cgroup, relative to the hierarchy's root. */
  cgroupPath(id: string): string;
  /**
   * One sample of a running container's usage (CPU, memory, pids, block I/O; with
   * `withNetworks`, the counters of `pid`'s network namespace).
   */
  usage(id: string, pid: number, opts: { withNetworks: boolean }): Promise<ResourceUsage>;
  /**
   * Applies a running container's new resource limits (`docker update`): its whole set after
   * the update; limits left out stay as they are. Returns warnings (a limit the host cannot
   * apply, left out).
   */
  updateResources(id: string, resources: ResourceUpdate): Promise<string[]>;
}

/** The whole runtime, as the container engine uses it. */
export interface ContainerRuntime extends ProcessRuntime, ExecRuntime, ContainerFileAccess, ResourceHooks {}

/**
 * Reads a Docker seccomp profile (the JSON users pass with `--security-opt seccomp=`) the way
 * the runtime will when it starts the container, so a bad profile is refused at create time with
 * dockerd's message ("Decoding seccomp profile failed: …").
 */
export { parseSeccompProfile } from './spec/seccomp.js';

/** What every container gets unless told otherwise (inspect shows them as dockerd does). */
export { ALL_CAPABILITIES, DEFAULT_SHM_SIZE, MASKED_PATHS, READONLY_PATHS } from './spec/defaults.js';

/**
 * Mounts an overlay of a layer stack (one `lowerdir+` per layer where the kernel allows, else
 * mount(2) data): the builder's views of an image use the same driver as containers' roots.
 */
export { mountOverlay } from './overlay-driver.js';
