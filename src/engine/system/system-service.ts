/**
 * @module engine/system/system-service
 * Answers /version and /info from the machine and from counts the other services report.
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import { promisify } from 'node:util';
import type { InfoResponse, VersionResponse } from '../../api/types/system.js';
import { API_VERSION, BERTH_VERSION, MIN_API_VERSION } from '../../util/version.js';
import type { DaemonPaths, InfoCounts, SystemService } from '../types.js';

const run = promisify(execFile);

export interface SystemServiceDeps {
  paths: DaemonPaths;
  daemonId: string;
  debug: boolean;
  startedAt: Date;
  /** Other services' counts for /info. */
  counts: () => Promise<InfoCounts>;
  /** `insecure-registries` and `registry-mirrors` as configured, for RegistryConfig. */
  registries?: { insecure: string[]; mirrors: string[] };
  /** The daemon's default logging driver (daemon.json `log-driver`); json-file when absent. */
  logDriver?: string;
}

/** Go's GOARCH names for Node's `os.arch()`. */
export function goArch(a = arch()): string {
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

export class DefaultSystemService implements SystemService {
  readonly #deps: SystemServiceDeps;
  #runcVersion: Promise<{ version: string; commit: string }> | undefined;

  constructor(deps: SystemServiceDeps) {
    this.#deps = deps;
  }

  #runc(): Promise<{ version: string; commit: string }> {
    this.#runcVersion ??= run('runc', ['--version'])
      .then(({ stdout }) => ({
        version: /runc version (\S+)/.exec(stdout)?.[1] ?? 'unknown',
        commit: /commit: (\S+)/.exec(stdout)?.[1] ?? '',
      }))
      .catch(() => ({ version: 'not installed', commit: '' }));
    return this.#runcVersion;
  }

  async version(): Promise<VersionResponse> {
    const runc = await this.#runc();
    const built = buildTimes();
    const details = {
      ApiVersion: API_VERSION,
      Arch: goArch(),
      BuildTime: built.ansic,
      Experimental: 'false',
      GitCommit: '',
      GoVersion: `node${process.versions.node}`,
      KernelVersion: release(),
      MinAPIVersion: MIN_API_VERSION,
      Os: 'linux',
    };
    return {
      Platform: { Name: 'berth' },
      Components: [
        { Name: 'Engine', Version: BERTH_VERSION, Details: details },
        { Name: 'runc', Version: runc.version, Details: { GitCommit: runc.commit } },
      ],
      Version: BERTH_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: '',
      GoVersion: `node${process.versions.node}`,
      Os: 'linux',
      Arch: goArch(),
      KernelVersion: release(),
      BuildTime: built.rfc3339,
    };
  }

  async info(): Promise<InfoResponse> {
    const [counts, runc] = await Promise.all([this.#deps.counts(), this.#runc()]);
    const c = counts.containers ?? { total: 0, running: 0, paused: 0, stopped: 0 };
    return {
      ID: this.#deps.daemonId,
      Containers: c.total,
      ContainersRunning: c.running,
      ContainersPaused: c.paused,
      ContainersStopped: c.stopped,
      Images: counts.images ?? 0,
      Driver: 'overlay2',
      DriverStatus: [
        ['Backing Filesystem', 'extfs'],
        ['Supports d_type', 'true'],
        ['Native Overlay Diff', 'true'],
      ],
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file', 'local'] },
      MemoryLimit: true,
      SwapLimit: false,
      KernelMemory: false,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: readSysctl('/proc/sys/net/ipv4/ip_forward') === '1',
      BridgeNfIptables: false,
      BridgeNfIp6tables: false,
      Debug: this.#deps.debug,
      NFd: 0,
      OomKillDisable: false,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: this.#deps.logDriver ?? 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: cgroupVersion(),
      NEventsListener: 0,
      KernelVersion: release(),
      OperatingSystem: osPrettyName(),
      OSVersion: osVersionId(),
      OSType: 'linux',
      Architecture: arch() === 'x64' ? 'x86_64' : arch(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: registryConfig(this.#deps.registries ?? { insecure: [], mirrors: [] }),
      NCPU: cpus().length,
      MemTotal: totalmem(),
      GenericResources: null,
      DockerRootDir: this.#deps.paths.dataRoot,
      HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? '',
      HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? '',
      NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
      Name: hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: BERTH_VERSION,
      Runtimes: { runc: { path: 'runc' } },
      DefaultRuntime: 'runc',
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: 'docker-init',
      ContainerdCommit: { ID: '', Expected: '' },
      RuncCommit: { ID: runc.commit, Expected: runc.commit },
      InitCommit: { ID: '', Expected: '' },
      SecurityOptions: securityOptions(),
      Warnings: null,
    };
  }
}

/**
 * When berthd was built (its compiled files' time), in Docker's two spellings: the RFC 3339 time
 * with nanoseconds of `Server.BuildTime` and Go's ANSIC time of the Engine component's details.
 */
function buildTimes(): { rfc3339: string; ansic: string } {
  let t: Date;
  try {
    t = statSync(fileURLToPath(import.meta.url)).mtime;
  } catch {
    return { rfc3339: '', ansic: '' };
  }
  t = new Date(Math.floor(t.getTime() / 1000) * 1000);
  const rfc3339 = `${t.toISOString().slice(0, 19)}.000000000+00:00`;
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][t.getUTCDay()]!;
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][t.getUTCMonth()]!;
  const hms = t.toISOString().slice(11, 19);
  const ansic = `${day} ${mon} ${String(t.getUTCDate()).padStart(2, ' ')} ${hms} ${t.getUTCFullYear()}`;
  return { rfc3339, ansic };
}

/** Docker's SecurityOptions: seccomp with the profile containers get by default (when the kernel has seccomp). */
function securityOptions(): string[] {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    /* no /proc: report nothing */
  }
  return /^Seccomp:/m.test(status) ? ['name=seccomp,profile=default'] : [];
}

function readSysctl(p: string): string {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return '';
  }
}

function osRelease(): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
      const m = /^(\w+)=(.*)$/.exec(line);
      if (m) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
    }
  } catch {
    /* not Linux-like: leave empty */
  }
  return out;
}

function osPrettyName(): string {
  return osRelease().PRETTY_NAME ?? 'Linux';
}

function osVersionId(): string {
  return osRelease().VERSION_ID ?? '';
}

function cgroupVersion(): string {
  try {
    readFileSync('/sys/fs/cgroup/cgroup.controllers');
    return '2';
  } catch {
    return '1';
  }
}

/** dockerd's RegistryConfig: loopback and configured CIDRs; named insecure hosts as index configs. */
function registryConfig(r: { insecure: string[]; mirrors: string[] }): InfoResponse['RegistryConfig'] {
  const cidrs = ['::1/128', '127.0.0.0/8', ...r.insecure.filter((e) => e.includes('/'))];
  const mirrors = r.mirrors.map((m) => (m.endsWith('/') ? m : `${m}/`));
  const indexConfigs: Record<string, { Name: string; Mirrors: string[]; Secure: boolean; Official: boolean }> = {
    'docker.io': { Name: 'docker.io', Mirrors: mirrors, Secure: true, Official: true },
  };
  for (const h of r.insecure.filter((e) => !e.includes('/'))) indexConfigs[h] = { Name: h, Mirrors: [], Secure: false, Official: false };
  return {
    AllowNondistributableArtifactsCIDRs: [],
    AllowNondistributableArtifactsHostnames: [],
    InsecureRegistryCIDRs: cidrs,
    IndexConfigs: indexConfigs,
    Mirrors: mirrors,
  };
}
