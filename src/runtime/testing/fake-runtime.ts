/**
 * @module runtime/testing/fake-runtime
 * A ContainerRuntime in memory, for unit tests of the engine without root, runc or a shim.
 * Processes are make-believe; what a command does is read from its argv:
 * - `exit N` or `sh -c "exit N"`: exits with status N as soon as it starts (`true`: 0,
 *   `false`: 1);
 * - `echo WORDS…`: writes the words and a newline to stdout, then exits 0;
 * - anything else runs until it is killed (status 128 + signal) or the test ends it with
 *   `exit(id, code)`.
 * A command in `missing` fails create/exec with CommandNotFound, one in `notRunnable` with
 * CommandNotRunnable. Every call is counted in `calls`, so tests can assert what the engine did.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Conflict, NotFound } from '../../errdefs/index.js';
import {
  CommandNotFound, CommandNotRunnable, ProcessGone, type AttachWants, type ContainerPaths, type ContainerRuntime, type CreateRequest,
  type CreatedProcess, type ExecProcess, type ExecRequest, type ExitStatus, type LayerStack, type LogRecord, type ProcessConnection,
  type HostSettings, type ReadLogsOptions, type ResourceUpdate, type ResourceUsage,
} from '../types.js';
import { FakeProcess, type State } from './fake-process.js';

interface FakeContainer {
  id: string;
  dir: string;
  process: FakeProcess;
  /** runc still knows it (until cleanup). */
  known: boolean;
}

export class FakeRuntime implements ContainerRuntime {
  /** Commands that do not exist (CommandNotFound). */
  readonly missing = new Set<string>(['missing']);
  /** Commands that exist but cannot run (CommandNotRunnable). */
  readonly notRunnable = new Set<string>(['/etc']);
  /** How long the cleanup of a process the runtime knows takes (runc delete is not instant), in ms. */
  cleanupDelay = 0;
  /** How many times each method was called. */
  readonly calls = new Map<string, number>();
  readonly #netns = new Map<string, string>();
  readonly #samples = new Map<string, number>();
  /** When each container was started (ms since the epoch), in order. */
  readonly starts: { id: string; at: number }[] = [];
  /** Signals sent, in order. */
  readonly signals: { id: string; signal: number }[] = [];
  /** Exec processes by exec ID. */
  readonly execs = new Map<string, FakeProcess>();
  readonly #containers = new Map<string, FakeContainer>();
  readonly #statusByDir = new Map<string, ExitStatus>();
  readonly #logs = new Map<string, LogRecord[]>();
  readonly #mounted = new Set<string>();
  #nextPid = 1000;

  #count(name: string): void {
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
  }

  #get(id: string): FakeContainer {
    const c = this.#containers.get(id);
    if (!c || !c.known) throw new NotFound(`container ${id} does not exist`);
    return c;
  }

  #check(args: string[]): void {
    const cmd = args[0] ?? '';
    if (this.missing.has(cmd)) throw new CommandNotFound(`create failed: exec: "${cmd}": executable file not found in $PATH`, `exec: "${cmd}": executable file not found in $PATH`);
    if (this.notRunnable.has(cmd)) throw new CommandNotRunnable(`create failed: exec: "${cmd}": permission denied`, `exec: "${cmd}": permission denied`);
  }

  /** The container's process (its latest run). */
  process(id: string): FakeProcess | undefined {
    return this.#containers.get(id)?.process;
  }

  /** The network namespace the container's last create was given (a path) or got (its own). */
  netnsPath(id: string): string | undefined {
    return this.#netns.get(id);
  }

  /** Ends a container's process with `code`, as if it exited by itself. */
  exit(id: string, code: number): void {
    this.#get(id).process.exit(code);
  }

  /** Whether a container's root is mounted (by create or mountRoot, until cleanup or unmountRoot). */
  mounted(id: string): boolean {
    return this.#mounted.has(id);
  }

  async create(req: CreateRequest): Promise<CreatedProcess> {
    this.#count('create');
    if (this.#containers.get(req.id)?.known) throw new Conflict(`container ${req.id} exists already`);
    this.#statusByDir.delete(req.dir);
    this.#mounted.add(req.id);
    try {
      if (req.prepare) {
        await mkdir(this.paths(req.dir, req.id).rootfs, { recursive: true });
        await req.prepare(this.paths(req.dir, req.id).rootfs);
      }
      this.#check(req.process.args);
    } catch (e) {
      this.#mounted.delete(req.id);
      throw e;
    }
    let log = this.#logs.get(req.id);
    if (!log) this.#logs.set(req.id, (log = []));
    const process = new FakeProcess(this.#nextPid++, req.process.args, log, (s) => this.#statusByDir.set(req.dir, s));
    this.#containers.set(req.id, { id: req.id, dir: req.dir, process, known: true });
    const netnsPath = req.host.network.mode === 'path' ? req.host.network.path : `/proc/${process.pid}/ns/net`;
    this.#netns.set(req.id, netnsPath);
    return { pid: process.pid, netnsPath, env: req.process.env ?? [], user: { uid: 0, gid: 0, additionalGids: [], home: '/root' } };
  }

  async start(id: string): Promise<void> {
    this.#count('start');
    const c = this.#get(id);
    if (c.process.state !== 'created') throw new Conflict(`container ${id} is not in the created state`);
    this.starts.push({ id, at: Date.now() });
    c.process.run();
  }

  async attach(id: string, wants: AttachWants): Promise<ProcessConnection> {
    this.#count('attach');
    const c = this.#containers.get(id);
    if (!c || c.process.state === 'stopped') throw new ProcessGone(`the container process is not running`);
    return c.process.connect(wants);
  }

  async kill(id: string, signal: number): Promise<void> {
    this.#count('kill');
    const c = this.#get(id);
    this.signals.push({ id, signal });
    if (c.process.state !== 'stopped') c.process.exit(128 + signal, signal);
  }

  async pause(id: string): Promise<void> {
    this.#count('pause');
    const c = this.#get(id);
    if (c.process.state !== 'running') throw new Conflict(`container ${id} is not running`);
    c.process.state = 'paused';
  }

  async resume(id: string): Promise<void> {
    this.#count('resume');
    const c = this.#get(id);
    if (c.process.state === 'paused') c.process.state = 'running';
  }

  async pids(id: string): Promise<number[]> {
    const c = this.#get(id);
    return c.process.state === 'stopped' ? [] : [c.process.pid];
  }

  async exitStatus(dir: string): Promise<ExitStatus | undefined> {
    return this.#statusByDir.get(dir);
  }

  async cleanup(id: string): Promise<void> {
    this.#count('cleanup');
    this.#mounted.delete(id);
    const c = this.#containers.get(id);
    if (!c?.known) return;
    c.known = false;
    if (this.cleanupDelay) await new Promise((r) => setTimeout(r, this.cleanupDelay));
  }

  async exec(req: ExecRequest): Promise<ExecProcess> {
    this.#count('exec');
    const c = this.#get(req.containerId);
    if (c.process.state !== 'running') throw new Conflict(`container ${req.containerId} is not running`);
    this.#check(req.args);
    const p = new FakeProcess(this.#nextPid++, req.args, []);
    this.execs.set(req.execId, p);
    // With `attach`, the output waits for the first connection (as the shim holds it).
    if (req.attach) setImmediate(() => p.run());
    else p.run();
    return {
      pid: p.pid,
      attach: async (wants) => {
        if (p.state === 'stopped') throw new ProcessGone('the exec has ended');
        return p.connect(wants);
      },
      status: async () => p.status,
      kill: async () => p.exit(137, 9),
      remove: async () => {
        this.execs.delete(req.execId);
      },
    };
  }

  async state(id: string): Promise<State | undefined> {
    const c = this.#containers.get(id);
    return c?.known ? c.process.state : undefined;
  }

  async list(): Promise<string[]> {
    return [...this.#containers.values()].filter((c) => c.known).map((c) => c.id);
  }

  async oomKilled(): Promise<boolean> {
    return false;
  }

  cgroupPath(id: string): string {
    return `/fake/${id}`;
  }

  /** Resource updates asked for, in order. */
  readonly updates: { id: string; resources: ResourceUpdate }[] = [];

  async updateResources(id: string, resources: ResourceUpdate): Promise<string[]> {
    this.#count('updateResources');
    const c = this.#get(id);
    if (c.process.state === 'stopped') throw new Conflict(`container ${id} is not running`);
    this.updates.push({ id, resources: { ...resources } });
    return [];
  }

  /** A fixed sample whose CPU counters grow by 10 ms per call (so a CPU % can be computed). */
  async usage(id: string, _pid: number, opts: { withNetworks: boolean }): Promise<ResourceUsage> {
    this.#count('usage');
    const n = (this.#samples.get(id) ?? 0) + 1;
    this.#samples.set(id, n);
    return {
      readAt: Date.now(),
      cpu: { total: n * 10_000_000, perCpu: [n * 10_000_000, 0], kernel: 0, user: n * 10_000_000, throttling: { periods: 0, throttledPeriods: 0, throttledTime: 0 } },
      systemCpu: n * 40_000_000,
      onlineCpus: 2,
      memory: { usage: 4 << 20, maxUsage: 8 << 20, limit: 1 << 30, failcnt: 0, stats: { total_inactive_file: 1 << 20 } },
      pids: { current: 1, limit: undefined },
      blkio: [],
      ...(opts.withNetworks ? { networks: { eth0: { rx_bytes: 100, rx_packets: 1, rx_errors: 0, rx_dropped: 0, tx_bytes: 200, tx_packets: 2, tx_errors: 0, tx_dropped: 0 } } } : {}),
    };
  }

  paths(dir: string, id: string): ContainerPaths {
    return {
      rootfs: join(dir, 'rootfs'), upper: join(dir, 'upper'), work: join(dir, 'work'), init: join(dir, 'init'), hosts: join(dir, 'hosts'),
      hostname: join(dir, 'hostname'), resolvConf: join(dir, 'resolv.conf'), log: join(dir, `${id}-json.log`),
    };
  }

  async mountRoot(id: string, dir: string, _layers: LayerStack): Promise<string> {
    const rootfs = this.paths(dir, id).rootfs;
    await mkdir(rootfs, { recursive: true });
    this.#mounted.add(id);
    return rootfs;
  }

  async writeResolvConf(dir: string, id: string, settings: Pick<HostSettings, 'dns' | 'dnsSearch' | 'dnsOptions'>): Promise<void> {
    const lines = [...(settings.dnsSearch?.length ? [`search ${settings.dnsSearch.join(' ')}`] : []), ...(settings.dns ?? []).map((n) => `nameserver ${n}`)];
    await writeFile(this.paths(dir, id).resolvConf, lines.map((l) => `${l}\n`).join(''));
  }

  async unmountRoot(id: string): Promise<void> {
    this.#mounted.delete(id);
  }

  async *readLogs(id: string, _dir: string, opts: ReadLogsOptions = {}): AsyncIterable<LogRecord> {
    for (const r of this.#logs.get(id) ?? []) {
      if (r.stream === 'stdout' ? opts.stdout === false : opts.stderr === false) continue;
      yield r;
    }
  }
}
