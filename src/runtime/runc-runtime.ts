/**
 * @module runtime/runc-runtime
 * The ContainerRuntime on runc: mounts the overlay root, resolves the user in the image,
 * writes the bundle and the /etc files, and creates each process under its own berth-shim.
 */
import { promises as fs, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { InvalidArgument, NotFound, SystemError } from '../errdefs/index.js';
import { hostsFile, hostnameFile, resolvConf } from './files.js';
import { readFileInRoot } from '../util/in-root.js';
import { cleanAbsPath } from '../util/go-path.js';
import { secureJoin } from '../util/secure-join.js';
import { hostBoundingSet, hostDevices, hostHostsFile, hostLastCap, hostResolvConf, initBinary } from './host.js';
import { unmount } from './overlay-driver.js';
import { containerFiles, shimFiles, type ContainerFiles } from './paths.js';
import { MS_NODEV, MS_NOEXEC, MS_NOSUID, native } from '../util/native.js';
import { DEFAULT_SHM_SIZE } from './spec/defaults.js';
import { mountContainerRoot } from './rootfs.js';
import { Runc } from './runc.js';
import { launchShim, SHIM_BINARY, type ShimLaunch } from './shim/launch.js';
import { readLogs } from './logs/json-file.js';
import type { LayerStack } from './overlay.js';
import { ShimConnection } from './shim/client.js';
import { execEnv, processEnv } from './spec/env.js';
import { generateSpec } from './spec/generate.js';
import { updateResources, type ResourceUpdate } from './spec/update-resources.js';
import type { OciProcess, OciSpec } from './spec/oci.js';
import { effectiveCapabilities } from './spec/capabilities.js';
import { resolveUser, type ResolvedUser } from './spec/user.js';
import type {
  AttachWants, ContainerPaths, ContainerRuntime, CreateRequest, CreatedProcess, ExecProcess, ExecRequest, ExitStatus, LogRecord,
  HostSettings, ProcessConfig, ReadLogsOptions, ResourceUsage,
} from './types.js';
import { readUsage } from './cgroup-stats.js';

export interface RuncRuntimeOptions {
  /** runc's state root, e.g. `<execRoot>/runc`. */
  runcRoot: string;
  /** Shim directories, e.g. `<execRoot>/shim`. */
  shimRoot: string;
  runcBinary?: string;
  shimBinary?: string;
  /** cgroup parent (cgroupfs path), default `/berth`. */
  cgroupParent?: string;
}

/** The shim's log options for a container's log setting (false: no log at all). */
async function logFiles(f: ContainerFiles, log: HostSettings['log']): Promise<Pick<ShimLaunch, 'log' | 'logRotate' | 'logAttrs'>> {
  if (log === false) return {};
  if (log === true || log === undefined) return { log: f.log };
  const path = log.driver === 'local' ? f.localLog : f.log;
  if (log.driver === 'local') await fs.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  return {
    log: path,
    ...(log.maxSize ? { logRotate: { maxSize: log.maxSize, maxFiles: log.maxFiles, compress: log.compress } } : {}),
    ...(log.attrs ? { logAttrs: log.attrs } : {}),
  };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw e;
  }
}

/** Resolves a Docker user value against the passwd/group files of a mounted root. */
export async function resolveUserIn(rootfs: string, user: string, groupAdd: string[] = []): Promise<ResolvedUser> {
  // Resolved in the root by the kernel: a running container cannot point berth at the host's files.
  const passwd = readFileInRoot(rootfs, '/etc/passwd');
  const group = readFileInRoot(rootfs, '/etc/group');
  return resolveUser(user, { passwd, group }, groupAdd);
}

/** Whether the host's cgroups take a block I/O weight (v1 blkio.weight or blkio.bfq.weight; v2 io.weight). */
async function blkioWeightSupported(): Promise<boolean> {
  for (const f of ['/sys/fs/cgroup/blkio/blkio.weight', '/sys/fs/cgroup/blkio/blkio.bfq.weight', '/sys/fs/cgroup/io.weight', '/sys/fs/cgroup/io.bfq.weight']) {
    try {
      await fs.access(f);
      return true;
    } catch {
      /* next */
    }
  }
  return false;
}

export async function readExitFile(path: string): Promise<ExitStatus | undefined> {
  const text = await readIfExists(path);
  if (!text) return undefined;
  try {
    const j = JSON.parse(text) as { ExitCode: number; FinishedAt: string; Signal?: number };
    return { exitCode: j.ExitCode, finishedAt: j.FinishedAt, signal: j.Signal ?? 0 };
  } catch {
    return undefined;
  }
}

/** dockerd's check before it creates the working directory: a path that exists must be a directory. */
async function checkWorkdir(rootfs: string, cwd: string): Promise<void> {
  if (!cwd || cwd === '/') return;
  const st = await fs.stat(await secureJoin(rootfs, cwd)).catch(() => undefined);
  if (st && !st.isDirectory()) throw new SystemError(`Cannot mkdir: ${cwd} is not a directory`);
}

export class RuncRuntime implements ContainerRuntime {
  readonly runc: Runc;
  readonly #shimRoot: string;
  readonly #shimBinary: string;
  readonly #cgroupParent: string;

  constructor(o: RuncRuntimeOptions) {
    this.runc = new Runc({ root: o.runcRoot, binary: o.runcBinary });
    this.#shimRoot = o.shimRoot;
    this.#shimBinary = o.shimBinary ?? SHIM_BINARY;
    this.#cgroupParent = o.cgroupParent ?? '/berth';
  }

  shimFiles(key: string) {
    return shimFiles(this.#shimRoot, key);
  }

  async create(req: CreateRequest): Promise<CreatedProcess> {
    const f = containerFiles(req.dir, req.id);
    const s = shimFiles(this.#shimRoot, req.id);
    const h = req.host;
    await Promise.all([
      fs.rm(s.dir, { recursive: true, force: true }).then(() => fs.mkdir(s.dir, { recursive: true, mode: 0o700 })),
      fs.rm(f.exit, { force: true }),
      mountContainerRoot(f, req.layers),
    ]);
    try {
      if (req.prepare) await req.prepare(f.rootfs);
      await checkWorkdir(f.rootfs, req.process.cwd);
      const user = await resolveUserIn(f.rootfs, req.process.user, req.process.groupAdd);
      const env = processEnv(req.process.env, { hostname: h.hostname, tty: req.process.tty, home: user.home });
      let init: string | undefined;
      if (h.init) {
        init = initBinary();
        if (!init) throw new InvalidArgument('--init: no init binary found on this host (install tini or catatonit)');
      }
      const isHost = h.network.mode === 'host';
      const spec = generateSpec({
        rootfs: f.rootfs,
        readonlyRootfs: h.readonlyRootfs,
        args: req.process.args,
        env,
        cwd: req.process.cwd,
        user,
        tty: req.process.tty,
        consoleSize: req.process.consoleSize,
        hostname: h.hostname,
        domainname: h.domainname,
        network: h.network,
        privileged: h.privileged,
        capAdd: h.capAdd,
        capDrop: h.capDrop,
        lastCap: hostLastCap(),
        bounding: hostBoundingSet(),
        noNewPrivileges: h.noNewPrivileges,
        seccomp: h.seccomp,
        apparmorProfile: h.apparmorProfile,
        maskedPaths: h.maskedPaths,
        readonlyPaths: h.readonlyPaths,
        mounts: h.mounts,
        etcFiles: h.sharedEtcFiles ?? { hosts: f.hosts, resolvConf: f.resolvConf, hostname: f.hostname },
        resources: h.resources,
        cgroupsPath: await this.#placeCgroup(req.id, h.cgroupParent, s.dir),
        oomScoreAdj: h.oomScoreAdj,
        rlimits: h.rlimits,
        shmSize: h.shmSize,
        hostDevices: h.privileged ? hostDevices() : undefined,
        devices: h.devices,
        sysctls: h.sysctls,
        namespaces: h.namespaces,
        shmSource: await this.#shmOf(f, h),
        annotations: h.annotations,
        init,
      });
      const hosts = isHost
        ? hostHostsFile()
        : hostsFile({ hostname: h.hostname, domainname: h.domainname, extraHosts: h.extraHosts, addresses: h.addresses });
      await Promise.all([
        fs.writeFile(f.config, JSON.stringify(spec)),
        ...(h.sharedEtcFiles
          ? []
          : [
              fs.writeFile(f.hosts, hosts),
              fs.writeFile(f.hostname, hostnameFile(h.hostname)),
              fs.writeFile(f.resolvConf, resolvConf(hostResolvConf(), { keepLoopback: isHost, dns: h.dns, dnsSearch: h.dnsSearch, dnsOptions: h.dnsOptions })),
            ]),
      ]);
      const tty = req.process.tty;
      const pid = await launchShim({
        binary: this.#shimBinary,
        attach: s.attach,
        pidFile: s.pid,
        exitFile: f.exit,
        ...(await logFiles(f, h.log)),
        runcLog: s.runcLog,
        console: tty ? s.console : undefined,
        size: req.process.consoleSize ? { rows: req.process.consoleSize.height, cols: req.process.consoleSize.width } : undefined,
        stdin: req.process.openStdin,
        shimLog: s.shimLog,
        step: 'create',
        runcArgv: this.runc.createArgv(req.id, { bundle: f.dir, pidFile: s.pid, logFile: s.runcLog, consoleSocket: tty ? s.console : undefined }),
      });
      return { pid, netnsPath: `/proc/${pid}/ns/net`, env, user };
    } catch (e) {
      await this.runc.delete(req.id, { force: true }).catch(() => {});
      unmount(f.rootfs);
      unmount(f.shm);
      await fs.rm(s.dir, { recursive: true, force: true }).catch(() => {});
      throw e;
    }
  }

  async start(id: string): Promise<void> {
    await this.runc.start(id);
  }

  attach(id: string, wants: AttachWants, signal?: AbortSignal): Promise<ShimConnection> {
    return ShimConnection.connect(shimFiles(this.#shimRoot, id).attach, wants, { signal });
  }

  async kill(id: string, signal: number, opts: { all?: boolean } = {}): Promise<void> {
    await this.runc.kill(id, signal, opts);
  }

  async pause(id: string): Promise<void> {
    await this.runc.pause(id);
  }

  async resume(id: string): Promise<void> {
    await this.runc.resume(id);
  }

  async pids(id: string): Promise<number[]> {
    return this.runc.ps(id);
  }

  async state(id: string): Promise<'created' | 'running' | 'paused' | 'stopped' | undefined> {
    const s = await this.runc.state(id);
    if (!s) return undefined;
    return s.status === 'creating' ? 'created' : s.status;
  }

  /**
   * The container's cgroup: `<parent>/<id>`, the parent `--cgroup-parent`'s (absolute, as
   * dockerd's cgroupfs driver takes it) or the runtime's. A custom one is remembered in the
   * shim directory, so stats and the OOM check find it after a daemon restart.
   */
  async #placeCgroup(id: string, parent: string | undefined, shimDir: string): Promise<string> {
    if (!parent) {
      this.#cgroupPaths.delete(id);
      return `${this.#cgroupParent}/${id}`;
    }
    const path = `${cleanAbsPath(parent).replace(/\/$/, '')}/${id}`;
    this.#cgroupPaths.set(id, path);
    await fs.writeFile(join(shimDir, 'cgroup'), path);
    return path;
  }

  readonly #cgroupPaths = new Map<string, string>();

  /**
   * The host path bound as /dev/shm: a `shareable` container's own tmpfs (mounted now, with
   * the `--shm-size`), or that of the container whose IPC namespace it joins.
   */
  async #shmOf(f: ContainerFiles, h: HostSettings): Promise<string | undefined> {
    const ipc = h.namespaces?.ipc;
    if (ipc?.mode === 'container') return containerFiles(ipc.dir, '').shm;
    if (ipc?.mode !== 'shareable') return undefined;
    await fs.mkdir(f.shm, { recursive: true, mode: 0o700 });
    unmount(f.shm);
    native().mount('shm', f.shm, 'tmpfs', MS_NOSUID | MS_NODEV | MS_NOEXEC, `mode=1777,size=${h.shmSize || DEFAULT_SHM_SIZE}`);
    return f.shm;
  }

  cgroupPath(id: string): string {
    let p = this.#cgroupPaths.get(id);
    if (p === undefined) {
      try {
        p = readFileSync(join(shimFiles(this.#shimRoot, id).dir, 'cgroup'), 'utf8');
      } catch {
        p = `${this.#cgroupParent}/${id}`;
      }
      this.#cgroupPaths.set(id, p);
    }
    return p;
  }

  async updateResources(id: string, resources: ResourceUpdate): Promise<string[]> {
    const warnings: string[] = [];
    let r = resources;
    if (r.blkioWeight && !(await blkioWeightSupported())) {
      // dockerd's words when the kernel has no proportional block I/O weight (cgroup v1 without CFQ/BFQ).
      warnings.push('Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.');
      r = { ...r, blkioWeight: 0 };
    }
    await this.runc.update(id, updateResources(r));
    return warnings;
  }

  usage(id: string, pid: number, opts: { withNetworks: boolean }): Promise<ResourceUsage> {
    return readUsage({
      cgroupRoot: '/sys/fs/cgroup', cgroupPath: this.cgroupPath(id), pid, procRoot: '/proc',
      onlineCpus: cpus().length, hostMemory: totalmem(), withNetworks: opts.withNetworks,
    });
  }

  paths(dir: string, id: string): ContainerPaths {
    return containerFiles(dir, id);
  }

  async mountRoot(id: string, dir: string, layers: LayerStack): Promise<string> {
    const f = containerFiles(dir, id);
    await mountContainerRoot(f, layers);
    return f.rootfs;
  }

  async writeResolvConf(dir: string, id: string, settings: Pick<HostSettings, 'dns' | 'dnsSearch' | 'dnsOptions'>): Promise<void> {
    const f = containerFiles(dir, id);
    await fs.writeFile(f.resolvConf, resolvConf(hostResolvConf(), { dns: settings.dns, dnsSearch: settings.dnsSearch, dnsOptions: settings.dnsOptions }));
  }

  async unmountRoot(id: string, dir: string): Promise<void> {
    unmount(containerFiles(dir, id).rootfs);
  }

  readLogs(id: string, dir: string, opts?: ReadLogsOptions): AsyncIterable<LogRecord> {
    const f = containerFiles(dir, id);
    return readLogs(opts?.driver === 'local' ? f.localLog : f.log, opts);
  }

  async oomKilled(id: string): Promise<boolean> {
    const candidates = [
      `/sys/fs/cgroup/memory${this.cgroupPath(id)}/memory.oom_control`, // v1
      `/sys/fs/cgroup${this.cgroupPath(id)}/memory.events`, // v2
    ];
    for (const p of candidates) {
      try {
        const m = /^oom_kill (\d+)$/m.exec(await fs.readFile(p, 'utf8'));
        if (m) return Number(m[1]) > 0;
      } catch {
        /* not this hierarchy */
      }
    }
    return false;
  }

  async list(): Promise<string[]> {
    return (await this.runc.list()).map((s) => s.id);
  }

  exitStatus(dir: string): Promise<ExitStatus | undefined> {
    return readExitFile(join(dir, 'exit.json'));
  }

  async cleanup(id: string, dir: string): Promise<void> {
    unmount(join(dir, 'rootfs'));
    unmount(containerFiles(dir, id).shm);
    this.#cgroupPaths.delete(id);
    await Promise.all([
      this.runc.delete(id, { force: true }).catch((e) => {
        if (!(e instanceof NotFound)) throw e;
      }),
      fs.rm(shimFiles(this.#shimRoot, id).dir, { recursive: true, force: true }),
    ]);
  }

  async exec(req: ExecRequest): Promise<ExecProcess> {
    const s = shimFiles(this.#shimRoot, req.execId);
    const spec = JSON.parse(await fs.readFile(join(req.containerDir, 'config.json'), 'utf8')) as OciSpec;
    const base = spec.process;
    const user = req.user ? await resolveUserIn(spec.root.path, req.user) : undefined;
    const caps = req.privileged ? effectiveCapabilities({ privileged: true, lastCap: hostLastCap(), bounding: hostBoundingSet() }) : undefined;
    // The container's environment without the init's TERM (an exec gets TERM only with a TTY).
    const containerEnv = base.terminal ? base.env.filter((e) => e !== 'TERM=xterm') : base.env;
    let env = execEnv(containerEnv, req.env, req.tty);
    if (user && !req.env?.some((e) => e.startsWith('HOME='))) env = env.map((e) => (e.startsWith('HOME=') ? `HOME=${user.home}` : e));
    const proc: OciProcess = {
      ...base,
      terminal: req.tty,
      args: req.args,
      env,
      cwd: req.cwd ? req.cwd : base.cwd,
      user: user ? { uid: user.uid, gid: user.gid, ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}) } : base.user,
      ...(caps ? { capabilities: { bounding: caps, effective: caps, permitted: caps } } : {}),
    };
    delete proc.consoleSize;
    if (req.tty && req.consoleSize && req.consoleSize.height > 0) proc.consoleSize = { ...req.consoleSize };
    await fs.rm(s.dir, { recursive: true, force: true });
    await fs.mkdir(s.dir, { recursive: true, mode: 0o700 });
    await fs.writeFile(s.process, JSON.stringify(proc));
    let pid: number;
    try {
      pid = await launchShim({
        binary: this.#shimBinary,
        attach: s.attach,
        pidFile: s.pid,
        exitFile: s.exit,
        runcLog: s.runcLog,
        console: req.tty ? s.console : undefined,
        size: req.consoleSize ? { rows: req.consoleSize.height, cols: req.consoleSize.width } : undefined,
        stdin: req.openStdin,
        hold: req.attach,
        shimLog: s.shimLog,
        step: 'exec',
        runcArgv: this.runc.execArgv(req.containerId, { processFile: s.process, pidFile: s.pid, logFile: s.runcLog, consoleSocket: req.tty ? s.console : undefined }),
      });
    } catch (e) {
      await fs.rm(s.dir, { recursive: true, force: true }).catch(() => {});
      throw e;
    }
    return {
      pid,
      attach: (wants, signal) => ShimConnection.connect(s.attach, wants, { signal }),
      status: () => readExitFile(s.exit),
      kill: async (signal) => {
        // Only while its monitor has not recorded an exit: the pid is not someone else's yet.
        if (await readExitFile(s.exit).catch(() => undefined)) return;
        try {
          process.kill(pid, signal);
        } catch {
          /* it ended meanwhile */
        }
      },
      remove: () => fs.rm(s.dir, { recursive: true, force: true }),
    };
  }
}

/** The resolved process config of a container (for callers that keep what create returned). */
export type { ProcessConfig };
