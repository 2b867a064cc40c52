/**
 * @module engine/containers/stats
 * GET /containers/{id}/stats as dockerd answers it: a sample of the container's cgroup every
 * second, each message carrying the previous sample's CPU figures as `precpu_stats` (the
 * first one's are zero). `stream=false` waits for a second sample so CPU % can be computed,
 * unless `one-shot`; a container that is not running gives one empty message (streamed: the
 * stream waits until it runs).
 */
import type { ContainerStatsWire, CpuStatsWire } from '../../api/types/containers.js';
import type { ResourceUsage } from '../../runtime/types.js';
import type { ContainerContext } from './context.js';
import type { ContainerRecord } from './record.js';
import { ZERO_TIME } from './record.js';

/** dockerd's collection interval. */
export const STATS_INTERVAL_MS = 1000;

export interface StatsOptions {
  stream: boolean;
  oneShot: boolean;
  signal?: AbortSignal;
}

const noBlkio = (): ContainerStatsWire['blkio_stats'] => ({
  io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null,
  io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
});

const noCpu = (): CpuStatsWire => ({
  cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
});

/** The message for a container that is not running: names and zeros, as dockerd's empty StatsJSON. */
export function emptyStats(rec: Pick<ContainerRecord, 'ID' | 'Name'>): ContainerStatsWire {
  return {
    read: ZERO_TIME, preread: ZERO_TIME, pids_stats: {}, blkio_stats: noBlkio(), num_procs: 0, storage_stats: {},
    cpu_stats: noCpu(), precpu_stats: noCpu(), memory_stats: {}, name: rec.Name, id: rec.ID,
  };
}

function cpuWire(u: ResourceUsage): CpuStatsWire {
  return {
    cpu_usage: {
      total_usage: u.cpu.total,
      ...(u.cpu.perCpu?.length ? { percpu_usage: u.cpu.perCpu } : {}),
      usage_in_kernelmode: u.cpu.kernel,
      usage_in_usermode: u.cpu.user,
    },
    system_cpu_usage: u.systemCpu,
    online_cpus: u.onlineCpus,
    throttling_data: { periods: u.cpu.throttling.periods, throttled_periods: u.cpu.throttling.throttledPeriods, throttled_time: u.cpu.throttling.throttledTime },
  };
}

/** One message from a sample and the one before it (if any). */
export function statsMessage(rec: Pick<ContainerRecord, 'ID' | 'Name'>, u: ResourceUsage, prev?: ResourceUsage): ContainerStatsWire {
  return {
    read: new Date(u.readAt).toISOString(),
    preread: prev ? new Date(prev.readAt).toISOString() : ZERO_TIME,
    pids_stats: { current: u.pids.current, ...(u.pids.limit !== undefined ? { limit: u.pids.limit } : {}) },
    blkio_stats: { ...noBlkio(), io_service_bytes_recursive: u.blkio.length ? u.blkio : null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuWire(u),
    precpu_stats: prev ? cpuWire(prev) : noCpu(),
    memory_stats: {
      usage: u.memory.usage,
      ...(u.memory.maxUsage !== undefined ? { max_usage: u.memory.maxUsage } : {}),
      stats: u.memory.stats,
      ...(u.memory.failcnt !== undefined ? { failcnt: u.memory.failcnt } : {}),
      limit: u.memory.limit,
    },
    name: rec.Name,
    id: rec.ID,
    ...(u.networks ? { networks: u.networks } : {}),
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The messages of one stats request, until it is done or `opts.signal` aborts. */
export async function* containerStats(ctx: Pick<ContainerContext, 'store' | 'deps'>, ref: string, opts: StatsOptions): AsyncGenerator<ContainerStatsWire> {
  const rec = ctx.store.resolve(ref);
  const mode = rec.HostConfig.NetworkMode ?? '';
  const withNetworks = mode !== 'none' && mode !== 'host' && !mode.startsWith('container:');
  const running = () => rec.State.Running && !rec.State.Restarting && ctx.store.get(rec.ID) === rec;
  if (!opts.stream && !running()) {
    yield emptyStats(rec);
    return;
  }
  let prev: ResourceUsage | undefined;
  while (!opts.signal?.aborted) {
    if (!running()) {
      if (!opts.stream) {
        yield emptyStats(rec);
        return;
      }
      // A stream waits for the container to run again (or for the client to leave).
      if (ctx.store.get(rec.ID) !== rec) return;
      prev = undefined;
      await sleep(STATS_INTERVAL_MS, opts.signal);
      continue;
    }
    let u: ResourceUsage;
    try {
      u = await ctx.deps.runtime.usage(rec.ID, rec.State.Pid, { withNetworks });
    } catch (e) {
      // The process ended between the check and the read.
      if (!running()) continue;
      throw e;
    }
    if (!opts.stream && !opts.oneShot && !prev) {
      prev = u;
      await sleep(STATS_INTERVAL_MS, opts.signal);
      continue;
    }
    yield statsMessage(rec, u, prev);
    if (!opts.stream) return;
    prev = u;
    await sleep(STATS_INTERVAL_MS, opts.signal);
  }
}
