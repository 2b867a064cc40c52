/**
 * @module cli/commands/update
 * `berth update [OPTIONS] CONTAINER...` (also `berth container update`): new resource limits
 * or restart policy for containers, running or not; prints each name as given. Its flags are
 * parsed here, as the docker CLI does: sizes in binary units, `--cpus` as a decimal,
 * `--restart no|always|unless-stopped|on-failure[:N]`.
 */
import type { ContainerUpdateRequest, ContainerUpdateResponse, RestartPolicyWire } from '../../api/types/containers.js';
import { FlagError, type Flags } from '../../util/flags.js';
import { ExitError, type Command } from '../command.js';
import { enc, forEachContainer } from './container-each.js';
import { parseBytes } from './container-options.js';

const str = (long: string, help: string, placeholder = 'string', short?: string) => ({ long, help, placeholder, type: 'string' as const, ...(short ? { short } : {}) });

function intOf(flags: Flags, name: string): number | undefined {
  const v = flags.string(name);
  if (!v) return undefined;
  if (!/^[+-]?\d+$/.test(v.trim())) throw new FlagError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

function bytesOf(flags: Flags, name: string, allowUnlimited = false): number | undefined {
  const v = flags.string(name);
  if (!v) return undefined;
  if (allowUnlimited && v.trim() === '-1') return -1;
  return parseBytes(v, name);
}

/** docker's ParseRestartPolicy. */
export function parseRestartPolicy(v: string): RestartPolicyWire {
  const [name, count] = v.split(':', 2) as [string, string?];
  if (!['no', 'always', 'on-failure', 'unless-stopped'].includes(name)) throw new FlagError(`invalid restart policy ${name}`);
  const policy = name as RestartPolicyWire['Name'];
  if (count === undefined) return { Name: policy, MaximumRetryCount: 0 };
  if (name !== 'on-failure') throw new FlagError(`invalid restart policy format: maximum retry count can only be used with 'on-failure'`);
  const n = Number(count);
  if (!/^\d+$/.test(count) || !Number.isSafeInteger(n)) throw new FlagError('invalid restart policy format: maximum retry count must be an integer');
  return { Name: policy, MaximumRetryCount: n };
}

/** The update request the flags describe (only what was given). */
export function updateRequest(flags: Flags): ContainerUpdateRequest {
  const req: ContainerUpdateRequest = {};
  const set = <K extends keyof ContainerUpdateRequest>(k: K, v: ContainerUpdateRequest[K] | undefined) => {
    if (v !== undefined) req[k] = v;
  };
  set('Memory', bytesOf(flags, 'memory'));
  set('MemorySwap', bytesOf(flags, 'memory-swap', true));
  set('MemoryReservation', bytesOf(flags, 'memory-reservation'));
  set('KernelMemory', bytesOf(flags, 'kernel-memory'));
  const cpus = flags.string('cpus');
  if (cpus) {
    const n = Number(cpus);
    if (!/^\d*\.?\d+$/.test(cpus.trim()) || !Number.isFinite(n)) throw new FlagError(`invalid argument "${cpus}" for "--cpus" flag: failed to parse ${cpus} as a rational number`);
    req.NanoCpus = Math.round(n * 1e9);
  }
  set('CpuShares', intOf(flags, 'cpu-shares'));
  set('CpuPeriod', intOf(flags, 'cpu-period'));
  set('CpuQuota', intOf(flags, 'cpu-quota'));
  if (flags.string('cpuset-cpus')) req.CpusetCpus = flags.string('cpuset-cpus');
  if (flags.string('cpuset-mems')) req.CpusetMems = flags.string('cpuset-mems');
  const blkio = intOf(flags, 'blkio-weight');
  if (blkio !== undefined) {
    if (blkio < 0 || blkio > 65535) throw new FlagError(`invalid argument "${blkio}" for "--blkio-weight" flag: strconv.ParseUint: parsing "${blkio}": value out of range`);
    req.BlkioWeight = blkio;
  }
  if (flags.changed('pids-limit')) req.PidsLimit = intOf(flags, 'pids-limit') ?? 0;
  if (flags.string('restart')) req.RestartPolicy = parseRestartPolicy(flags.string('restart'));
  return req;
}

export const update: Command = {
  name: 'update',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Update configuration of one or more containers',
  args: { min: 1 },
  flags: [
    str('blkio-weight', 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)', 'uint16'),
    str('cpu-period', 'Limit CPU CFS (Completely Fair Scheduler) period', 'int'),
    str('cpu-quota', 'Limit CPU CFS (Completely Fair Scheduler) quota', 'int'),
    str('cpu-shares', 'CPU shares (relative weight)', 'int', 'c'),
    str('cpus', 'Number of CPUs', 'decimal'),
    str('cpuset-cpus', 'CPUs in which to allow execution (0-3, 0,1)'),
    str('cpuset-mems', 'MEMs in which to allow execution (0-3, 0,1)'),
    { ...str('kernel-memory', 'Kernel memory limit (deprecated)', 'bytes'), hidden: true },
    str('memory', 'Memory limit', 'bytes', 'm'),
    str('memory-reservation', 'Memory soft limit', 'bytes'),
    str('memory-swap', 'Swap limit equal to memory plus swap: -1 to enable unlimited swap', 'bytes'),
    str('pids-limit', 'Tune container pids limit (set -1 for unlimited)', 'int'),
    str('restart', 'Restart policy to apply when a container exits'),
  ],
  async run(ctx, args, flags) {
    const body = updateRequest(flags);
    if (Object.keys(body).length === 0) throw new ExitError(1, 'you must provide one or more flags when using this command');
    await forEachContainer(ctx, args, async (client, name) => {
      const res = await client.json<ContainerUpdateResponse>('POST', `/containers/${enc(name)}/update`, { body });
      for (const w of res.Warnings ?? []) ctx.err(`${w}\n`);
    });
  },
};
