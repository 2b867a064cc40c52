/**
 * @module cli/commands/container-rows
 * The rows of `berth ps` as docker's formatter exposes them to templates (ID, Image, Command,
 * CreatedAt, RunningFor, Ports, State, Status, Size, Names, Labels, Mounts, Networks), with
 * docker's truncation: 12-character IDs, the command cut at 20 characters with `…` and
 * quoted.
 */
import type { ContainerSummary, PortWire } from '../../api/types/containers.js';
import type { Headers } from '../format/output.js';
import { humanSize, since } from '../format/units.js';

export const containerHeaders: Headers = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS',
  State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS', Mounts: 'MOUNTS', Networks: 'NETWORKS',
  LocalVolumes: 'LOCAL VOLUMES',
  // The docker CLI heads a `{{.Label "com.example.the-key"}}` column with "the key".
  Label: (name: string) => name.split('.').pop()!.replace(/[-_]/g, ' '),
};

export const PS_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

function ellipsis(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? chars.slice(0, n - 1).join('') + '…' : s;
}

export function portsText(ports: PortWire[]): string {
  return ports
    .map((p) => (p.PublicPort ? `${p.IP ?? '0.0.0.0'}:${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`))
    .join(', ');
}

/** Go's time.Time String() in UTC: `2026-01-02 03:04:05 +0000 UTC`. */
function goTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC');
}

export interface ContainerRow {
  ID: string;
  Image: string;
  Command: string;
  CreatedAt: string;
  RunningFor: string;
  Ports: string;
  State: string;
  Status: string;
  Size: string;
  Names: string;
  Labels: string;
  Mounts: string;
  Networks: string;
  LocalVolumes: string;
  Label(name: string): string;
}

export function containerRows(list: ContainerSummary[], opts: { trunc: boolean }): ContainerRow[] {
  return list.map((c) => {
    let image = c.Image;
    if (opts.trunc && /^sha256:[0-9a-f]{64}$/.test(image)) image = image.slice(7, 19);
    const cmd = opts.trunc ? ellipsis(c.Command, 20) : c.Command;
    const names = c.Names.map((n) => n.replace(/^\//, '')).filter((n) => !opts.trunc || !n.includes('/'));
    const labels = c.Labels ?? {};
    return {
      ID: opts.trunc ? c.Id.slice(0, 12) : c.Id,
      Image: image,
      Command: `"${cmd}"`,
      CreatedAt: goTime(c.Created),
      RunningFor: since(c.Created),
      Ports: portsText(c.Ports ?? []),
      State: c.State,
      Status: c.Status,
      // As the docker CLI: 0B when the sizes were not asked for.
      Size: c.SizeRootFs ? `${humanSize(c.SizeRw ?? 0)} (virtual ${humanSize(c.SizeRootFs)})` : humanSize(c.SizeRw ?? 0),
      Names: names.join(','),
      Labels: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','),
      Mounts: (c.Mounts ?? []).map((m) => (m.Name ? (opts.trunc ? ellipsis(m.Name, 15) : m.Name) : m.Source)).join(','),
      Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
      LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
      Label: (name: string) => labels[name] ?? '',
    };
  });
}
