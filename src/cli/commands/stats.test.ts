import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerStatsWire } from '../../api/types/containers.js';
import { cpuPercent, memoryUsage, statsRow } from './stats.js';

const sample = (): ContainerStatsWire => ({
  read: '2026-12-05T10:00:01Z', preread: '2026-12-05T10:00:00Z', pids_stats: { current: 3 },
  blkio_stats: {
    io_service_bytes_recursive: [{ major: 8, minor: 0, op: 'Read', value: 2_000_000 }, { major: 8, minor: 0, op: 'Write', value: 1500 }, { major: 8, minor: 0, op: 'Total', value: 2_001_500 }],
    io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
  },
  num_procs: 0, storage_stats: {},
  cpu_stats: { cpu_usage: { total_usage: 1_500_000_000, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: 10_000_000_000, online_cpus: 2, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
  precpu_stats: { cpu_usage: { total_usage: 1_000_000_000, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: 8_000_000_000, online_cpus: 2, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
  memory_stats: { usage: 10 << 20, limit: 100 << 20, stats: { total_inactive_file: 2 << 20 } },
  name: '/web', id: 'a'.repeat(64),
  networks: { eth0: { rx_bytes: 1234, rx_packets: 0, rx_errors: 0, rx_dropped: 0, tx_bytes: 56, tx_packets: 0, tx_errors: 0, tx_dropped: 0 } },
});

describe('stats rows (the docker CLI\'s arithmetic)', () => {
  it('CPU % is the container\'s share of the host\'s CPU time since the last sample, times the CPUs', () => {
    assert.equal(cpuPercent(sample()), 50);
    const s = sample();
    s.precpu_stats = { ...s.precpu_stats, system_cpu_usage: s.cpu_stats.system_cpu_usage };
    assert.equal(cpuPercent(s), 0, 'no time passed: 0, not a division by zero');
  });

  it('memory leaves out the inactive page cache', () => {
    assert.equal(memoryUsage(sample()), 8 << 20);
  });

  it('formats each column as docker does', () => {
    assert.deepEqual(statsRow('web', sample(), false), {
      Container: 'web', ID: 'aaaaaaaaaaaa', Name: 'web', CPUPerc: '50.00%', MemUsage: '8MiB / 100MiB', MemPerc: '8.00%',
      NetIO: '1.23kB / 56B', BlockIO: '2MB / 1.5kB', PIDs: '3',
    });
  });
});
