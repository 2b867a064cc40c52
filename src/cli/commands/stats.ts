/**
 * @module cli/commands/stats
 * `berth stats [-a] [--no-stream] [--no-trunc] [--format F] [CONTAINER...]`: docker's live
 * table of CPU %, memory, network and block I/O and PIDs, computed from GET /stats as the docker
 * CLI computes it (CPU % from the change since the previous sample, memory without the
 * inactive page cache). Streaming, the screen is cleared and the table redrawn every second.
 */
import type { ContainerStatsWire, ContainerSummary } from '../../api/types/containers.js';
import type { Client } from '../../client/client.js';
import type { Command } from '../command.js';
import { renderList } from '../format/output.js';
import { bytesSize, humanSize } from '../format/units.js';
import { enc } from './container-each.js';

/** One row of the table: the fields docker's stats templates name. */
export interface StatsRow {
  Container: string;
  ID: string;
  Name: string;
  CPUPerc: string;
  MemUsage: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDs: string;
}

const statsFormat = {
  defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}',
  headers: {
    Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %',
    NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
  },
};

/** CPU % as the docker CLI computes it: the container's share of the host's CPU time since the last sample, times the CPUs. */
export function cpuPercent(s: ContainerStatsWire): number {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
}

/** Memory in use without the inactive page cache (cgroup v1's total_inactive_file, v2's inactive_file). */
export function memoryUsage(s: ContainerStatsWire): number {
  const usage = s.memory_stats.usage ?? 0;
  const st = s.memory_stats.stats ?? {};
  const inactive = st.total_inactive_file ?? st.inactive_file;
  return inactive !== undefined && inactive < usage ? usage - inactive : usage;
}

export function statsRow(container: string, s: ContainerStatsWire, noTrunc: boolean): StatsRow {
  const mem = memoryUsage(s);
  const limit = s.memory_stats.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats.io_service_bytes_recursive ?? []) {
    const op = e.op.toLowerCase();
    if (op === 'read') read += e.value;
    else if (op === 'write') write += e.value;
  }
  return {
    Container: container,
    ID: noTrunc ? s.id : s.id.slice(0, 12),
    Name: s.name.replace(/^\//, ''),
    CPUPerc: `${cpuPercent(s).toFixed(2)}%`,
    MemUsage: `${bytesSize(mem)} / ${bytesSize(limit)}`,
    MemPerc: `${(limit ? (mem / limit) * 100 : 0).toFixed(2)}%`,
    NetIO: `${humanSize(rx)} / ${humanSize(tx)}`,
    BlockIO: `${humanSize(read)} / ${humanSize(write)}`,
    PIDs: String(s.pids_stats.current ?? 0),
  };
}

async function containersOf(client: Client, args: string[], all: boolean): Promise<string[]> {
  if (args.length) return args;
  const list = await client.json<ContainerSummary[]>('GET', '/containers/json', { query: { all: all ? 1 : undefined } });
  return list.map((c) => c.Id);
}

export const stats: Command = {
  name: 'stats',
  usage: '[OPTIONS] [CONTAINER...]',
  description: 'Display a live stream of container(s) resource usage statistics',
  args: {},
  flags: [
    { long: 'all', short: 'a', type: 'bool', help: 'Show all containers (default shows just running)' },
    { long: 'format', type: 'string', help: 'Pretty-print images using a Go template', placeholder: 'string' },
    { long: 'no-stream', type: 'bool', help: 'Disable streaming stats and only pull the first result' },
    { long: 'no-trunc', type: 'bool', help: 'Do not truncate output' },
  ],
  async run(ctx, args, flags) {
    const client = await ctx.client();
    const format = flags.string('format') || undefined;
    const noTrunc = flags.bool('no-trunc');
    const names = await containersOf(client, args, flags.bool('all'));
    if (flags.bool('no-stream')) {
      const all = await Promise.all(names.map((n) => client.json<ContainerStatsWire>('GET', `/containers/${enc(n)}/stats`, { query: { stream: 0 } })));
      ctx.out(renderList(format, all.map((s, i) => statsRow(names[i]!, s, noTrunc)), statsFormat));
      return;
    }
    // Streaming: one request per container; the table shows each one's latest message.
    const latest = new Map<string, ContainerStatsWire>();
    const abort = new AbortController();
    const stop = ctx.onSignals(['SIGINT', 'SIGTERM'], () => abort.abort());
    const draw = () => {
      const rows = names.filter((n) => latest.has(n)).map((n) => statsRow(n, latest.get(n)!, noTrunc));
      ctx.out(`\x1b[2J\x1b[H${renderList(format, rows, statsFormat)}`);
    };
    const timer = setInterval(draw, 1000);
    try {
      await Promise.all(
        names.map((n) =>
          client
            .jsonStream('GET', `/containers/${enc(n)}/stats`, { query: { stream: 1 }, signal: abort.signal }, (m) => latest.set(n, m as unknown as ContainerStatsWire))
            .catch((e) => {
              if (!abort.signal.aborted) throw e;
            }),
        ),
      );
    } finally {
      clearInterval(timer);
      stop();
    }
  },
};
