/**
 * @module cli/commands/system-df
 * `berth system df [-v] [--format]`: disk usage by type (images, containers, local volumes,
 * build cache) in docker's layout; `-v` lists each image.
 */
import type { BuildCacheWire } from '../../api/types/build.js';
import type { DiskUsage } from '../../api/types/images.js';
import type { Command } from '../command.js';
import { renderList } from '../format/output.js';
import { humanDuration, humanSize } from '../format/units.js';
import { imageHeaders, imageRows } from './image-rows.js';

interface ContainerUsage {
  Id: string;
  Image: string;
  Command: string;
  Mounts?: unknown[];
  SizeRw?: number;
  Created: number;
  Status: string;
  State?: string;
  Names: string[];
}

interface UsageRow {
  Active: string;
  Reclaimable: string;
  Size: string;
  TotalCount: string;
  Type: string;
}

function reclaimable(total: number, reclaim: number): string {
  return total > 0 ? `${humanSize(reclaim, 4)} (${Math.trunc((reclaim * 100) / total)}%)` : humanSize(reclaim, 4);
}

export function usageRows(du: DiskUsage): UsageRow[] {
  const images = du.Images ?? [];
  let used = 0;
  for (const i of images) if (i.Containers !== 0 && i.VirtualSize !== -1 && i.SharedSize !== -1) used += i.VirtualSize - i.SharedSize;
  const containers = (du.Containers ?? []) as ContainerUsage[];
  const cSize = containers.reduce((s, c) => s + (c.SizeRw ?? 0), 0);
  const cReclaim = containers.filter((c) => c.State !== 'running').reduce((s, c) => s + (c.SizeRw ?? 0), 0);
  const volumes = (du.Volumes ?? []) as { UsageData?: { Size: number; RefCount: number } }[];
  const vSize = volumes.reduce((s, v) => s + Math.max(v.UsageData?.Size ?? 0, 0), 0);
  const vReclaim = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((s, v) => s + Math.max(v.UsageData?.Size ?? 0, 0), 0);
  const cache = (du.BuildCache ?? []) as { Size: number; InUse?: boolean; Shared?: boolean }[];
  const bSize = cache.filter((c) => !c.Shared).reduce((s, c) => s + c.Size, 0);
  const bReclaim = cache.filter((c) => !c.InUse && !c.Shared).reduce((s, c) => s + c.Size, 0);
  return [
    {
      Active: String(images.filter((i) => i.Containers > 0).length),
      Reclaimable: reclaimable(du.LayersSize, du.LayersSize - used),
      Size: humanSize(du.LayersSize, 4),
      TotalCount: String(images.length),
      Type: 'Images',
    },
    {
      Active: String(containers.filter((c) => c.State === 'running').length),
      Reclaimable: reclaimable(cSize, cReclaim),
      Size: humanSize(cSize, 4),
      TotalCount: String(containers.length),
      Type: 'Containers',
    },
    {
      Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length),
      Reclaimable: reclaimable(vSize, vReclaim),
      Size: humanSize(vSize, 4),
      TotalCount: String(volumes.length),
      Type: 'Local Volumes',
    },
    {
      Active: String(cache.filter((c) => c.InUse).length),
      Reclaimable: humanSize(bReclaim, 4),
      Size: humanSize(bSize, 4),
      TotalCount: String(cache.length),
      Type: 'Build Cache',
    },
  ];
}

/** `system df -v`'s build cache rows, as docker's formatter fills them. */
export function cacheRows(cache: BuildCacheWire[], now = Date.now()): Record<string, string>[] {
  const since = (t: string | null) => (t ? `${humanDuration(now - Date.parse(t))} ago` : '');
  return cache.map((c) => ({
    ID: c.ID.slice(0, 12) + (c.InUse ? '*' : ''),
    CacheType: c.Type,
    Size: humanSize(c.Size, 4),
    CreatedSince: since(c.CreatedAt),
    LastUsedSince: since(c.LastUsedAt),
    UsageCount: String(c.UsageCount),
    Shared: String(c.Shared),
  }));
}

const TABLE = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
const HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };
const VERBOSE_IMAGES = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';

export const systemDf: Command = {
  name: 'df',
  usage: '[OPTIONS]',
  description: 'Show docker disk usage',
  args: { max: 0 },
  flags: [
    { long: 'format', type: 'string', help: 'Format output using a custom template', placeholder: 'string' },
    { long: 'verbose', short: 'v', type: 'bool', help: 'Show detailed information on space usage' },
  ],
  async run(ctx, _args, flags) {
    const client = await ctx.client();
    const du = await client.json<DiskUsage>('GET', '/system/df');
    if (!flags.bool('verbose')) {
      ctx.out(renderList(flags.string('format') || undefined, usageRows(du), { defaultTable: TABLE, headers: HEADERS }));
      return;
    }
    const rows = imageRows(du.Images ?? [], { trunc: true, digests: false }).map((r) => ({ ...r, Size: r.Size }));
    let out = 'Images space usage:\n\n';
    out += renderList(undefined, rows, { defaultTable: VERBOSE_IMAGES, headers: imageHeaders });
    out += '\nContainers space usage:\n\n';
    const containers = ((du.Containers ?? []) as ContainerUsage[]).map((c) => ({
      ID: c.Id.slice(0, 12),
      Image: c.Image,
      Command: JSON.stringify(c.Command.length > 20 ? c.Command.slice(0, 19) + '…' : c.Command),
      LocalVolumes: String(c.Mounts?.length ?? 0),
      Size: humanSize(c.SizeRw ?? 0, 4),
      RunningFor: '',
      Status: c.Status,
      Names: (c.Names ?? []).map((n) => n.replace(/^\//, '')).join(','),
    }));
    out += renderList(undefined, containers, {
      defaultTable: 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}',
      headers: { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', LocalVolumes: 'LOCAL VOLUMES', Size: 'SIZE', RunningFor: 'CREATED', Status: 'STATUS', Names: 'NAMES' },
    });
    out += '\nLocal Volumes space usage:\n\n';
    out += renderList(undefined, [], { defaultTable: 'table {{.Name}}\t{{.Links}}\t{{.Size}}', headers: { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' } });
    out += `\nBuild cache usage: ${humanSize(du.BuilderSize ?? 0, 4)}\n\n`;
    out += renderList(undefined, cacheRows((du.BuildCache ?? []) as BuildCacheWire[]), {
      defaultTable: 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}',
      headers: { ID: 'CACHE ID', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED' },
    });
    ctx.out(out);
  },
};
