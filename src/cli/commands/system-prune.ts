/**
 * @module cli/commands/system-prune
 * `berth system prune [-a] [--volumes] [-f] [--filter]` and `berth builder prune [-a] [-f]
 * [--filter] [--keep-storage]`, worded as docker CLI 28 words them. System prune runs each
 * kind's prune in docker's order (containers, networks, volumes, images, build cache) with
 * the same filters; volumes are the anonymous ones only, as in current Docker.
 */
import { build } from './build.js';
import type { BuildPruneReport } from '../../api/types/build.js';
import type { ContainerPruneReport, VolumePruneReport } from '../../api/types/containers.js';
import type { NetworkPruneReport } from '../../api/types/networks.js';
import type { PruneReport } from '../../api/types/images.js';
import { InvalidArgument } from '../../errdefs/index.js';
import type { Client, QueryValue } from '../../client/client.js';
import type { Command } from '../command.js';
import { humanSize } from '../format/units.js';
import { confirm } from './image-prune.js';
import { filtersOf } from './images.js';

/** docker's system prune warning for these options. */
export function systemPruneWarning(all: boolean, volumes: boolean, filters: string[]): string {
  let w = 'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n';
  if (volumes) w += '  - all anonymous volumes not used by at least one container\n';
  w += all ? '  - all images without at least one container associated to them\n  - all build cache\n' : '  - all dangling images\n  - unused build cache\n';
  if (filters.length) w += `\n  Items to be pruned will be filtered with:\n${[...filters].sort().map((f) => `  - ${f}\n`).join('')}`;
  return w;
}

function listing(title: string, lines: string[] | null | undefined): string {
  return lines?.length ? `${title}\n${lines.map((l) => `${l}\n`).join('')}\n` : '';
}

async function pruneBuildCache(client: Client, all: boolean, filters: string[], keepStorage?: string): Promise<[number, string]> {
  const query: Record<string, QueryValue> = { filters: filtersOf(filters) };
  if (all) query.all = '1';
  if (keepStorage) query['keep-storage'] = String(parseBytes(keepStorage));
  const r = await client.json<BuildPruneReport>('POST', '/build/prune', { query });
  return [r.SpaceReclaimed, listing('Deleted build cache objects:', r.CachesDeleted)];
}

/** docker's RAMInBytes-style size: `512`, `10k`, `1.5GB`, `2g` (binary multiples). */
export function parseBytes(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i.exec(v.trim());
  if (!m) throw new InvalidArgument(`invalid size: '${v}'`);
  return Math.trunc(Number(m[1]) * 1024 ** 'bkmgtp'.indexOf((m[2] || 'b').toLowerCase()));
}

export const systemPrune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  description: 'Remove unused data',
  args: { max: 0 },
  flags: [
    { long: 'all', short: 'a', type: 'bool', help: 'Remove all unused images not just dangling ones' },
    { long: 'filter', type: 'list', help: 'Provide filter values (e.g. "label=<key>=<value>")', placeholder: 'filter' },
    { long: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
    { long: 'volumes', type: 'bool', help: 'Prune anonymous volumes' },
  ],
  async run(ctx, _args, flags) {
    const all = flags.bool('all');
    const volumes = flags.bool('volumes');
    const filters = flags.list('filter');
    if (volumes && filters.some((f) => f.split('=')[0]!.trim().toLowerCase() === 'until')) {
      ctx.err('ERROR: The "until" filter is not supported with "--volumes"\n');
      return 1;
    }
    if (!flags.bool('force') && !(await confirm(ctx, systemPruneWarning(all, volumes, filters)))) return;
    const client = await ctx.client();
    const q = { filters: filtersOf(filters) };
    let total = 0;
    const c = await client.json<ContainerPruneReport>('POST', '/containers/prune', { query: q });
    total += c.SpaceReclaimed;
    ctx.out(listing('Deleted Containers:', c.ContainersDeleted));
    const n = await client.json<NetworkPruneReport>('POST', '/networks/prune', { query: q });
    ctx.out(listing('Deleted Networks:', n.NetworksDeleted));
    if (volumes) {
      const v = await client.json<VolumePruneReport>('POST', '/volumes/prune', { query: { filters: filtersOf([...filters, 'all=false']) } });
      total += v.SpaceReclaimed;
      ctx.out(listing('Deleted Volumes:', v.VolumesDeleted));
    }
    const i = await client.json<PruneReport>('POST', '/images/prune', { query: { filters: filtersOf(all ? [...filters, 'dangling=false'] : filters) } });
    total += i.SpaceReclaimed;
    ctx.out(listing('Deleted Images:', i.ImagesDeleted?.map((d) => ('Untagged' in d ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted}`))));
    const [b, text] = await pruneBuildCache(client, all, filters);
    total += b;
    ctx.out(text);
    ctx.out(`Total reclaimed space: ${humanSize(total, 4)}\n`);
  },
};

const builderPrune: Command = {
  name: 'prune',
  usage: '',
  description: 'Remove build cache',
  args: { max: 0 },
  flags: [
    { long: 'all', short: 'a', type: 'bool', help: 'Remove all unused build cache, not just dangling ones' },
    { long: 'filter', type: 'list', help: "Provide filter values (e.g. 'until=24h')", placeholder: 'filter' },
    { long: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
    { long: 'keep-storage', type: 'string', help: 'Amount of disk space to keep for cache', placeholder: 'bytes' },
  ],
  async run(ctx, _args, flags) {
    const all = flags.bool('all');
    const warning = all ? 'WARNING! This will remove all build cache.' : 'WARNING! This will remove all dangling build cache.';
    // docker asks this one on a single line.
    if (!flags.bool('force') && !(await confirm(ctx, `${warning} Are you sure you want to continue? [y/N] `, { inline: true }))) return;
    const [space, text] = await pruneBuildCache(await ctx.client(), all, flags.list('filter'), flags.string('keep-storage') || undefined);
    ctx.out(`${text}Total reclaimed space: ${humanSize(space, 4)}\n`);
  },
};

export const builder: Command = {
  name: 'builder',
  usage: 'COMMAND',
  description: 'Manage builds',
  subcommands: [build, builderPrune],
};
