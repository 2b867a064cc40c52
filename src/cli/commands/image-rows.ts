/**
 * @module cli/commands/image-rows
 * The rows image commands print, built as docker/cli's formatters build them: one row per
 * repository:tag (and digest with --digests), `<none>` for dangling images, sizes and times
 * in docker's human forms, fields in alphabetical order (as `--format json` prints them).
 */
import type { HistoryItem, ImageSummary } from '../../api/types/images.js';
import { humanDuration, humanSize } from '../format/units.js';

/** docker's stringid.TruncateID: no algorithm, 12 characters. */
export function truncateId(id: string): string {
  const i = id.indexOf(':');
  const hex = i >= 0 ? id.slice(i + 1) : id;
  return hex.length > 12 ? hex.slice(0, 12) : hex;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function zoneOf(d: Date): { offset: string; name: string } {
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const offset = `${sign}${pad2(Math.floor(Math.abs(off) / 60))}${pad2(Math.abs(off) % 60)}`;
  if (off === 0 && !process.env.TZ) return { offset, name: 'UTC' };
  const name = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return { offset, name: name || offset };
}

/** Go's time.Time.String() for unix seconds: `2026-11-23 01:52:13 +0000 UTC`. */
export function goTimeString(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const z = zoneOf(d);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${z.offset} ${z.name}`
  );
}

/** Go's RFC 3339 in local time: `2026-11-23T02:14:22Z` or `…+01:00`. */
export function goRfc3339(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${pad2(Math.floor(Math.abs(off) / 60))}:${pad2(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}${zone}`;
}

export function createdSince(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(now - unixSeconds * 1000)} ago`;
}

/** docker's formatter.Ellipsis: at most `max` characters, the last one `…` when cut. */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  return chars.slice(0, max - 1).join('') + '…';
}

export interface ImageRow {
  Containers: string;
  CreatedAt: string;
  CreatedSince: string;
  Digest: string;
  ID: string;
  Repository: string;
  SharedSize: string;
  Size: string;
  Tag: string;
  UniqueSize: string;
  VirtualSize: string;
}

function isDangling(i: ImageSummary): boolean {
  const tags = i.RepoTags ?? [];
  const digests = i.RepoDigests ?? [];
  return (tags.length === 0 && digests.length === 0) || (tags.length === 1 && tags[0] === '<none>:<none>' && digests.length <= 1 && (digests[0] ?? '<none>@<none>') === '<none>@<none>');
}

/** Splits `name:tag` / `name@digest` at the right separator (names may contain `:port`). */
function splitRef(s: string, sep: ':' | '@'): [string, string] | undefined {
  const i = s.lastIndexOf(sep);
  if (i <= 0 || (sep === ':' && s.slice(i).includes('/'))) return undefined;
  return [s.slice(0, i), s.slice(i + 1)];
}

/** Rows of `berth images`, as docker/cli's imageFormat makes them. */
export function imageRows(images: readonly ImageSummary[], opts: { trunc: boolean; digests: boolean; now?: number }): ImageRow[] {
  const out: ImageRow[] = [];
  for (const i of images) {
    const row = (repo: string, tag: string, digest: string): ImageRow => ({
      Containers: i.Containers === -1 ? 'N/A' : String(i.Containers),
      CreatedAt: goTimeString(i.Created),
      CreatedSince: createdSince(i.Created, opts.now),
      Digest: digest,
      ID: opts.trunc ? truncateId(i.Id) : i.Id,
      Repository: repo,
      SharedSize: i.SharedSize === -1 ? 'N/A' : humanSize(i.SharedSize, 4),
      Size: humanSize(i.Size, 3),
      Tag: tag,
      UniqueSize: i.SharedSize === -1 ? 'N/A' : humanSize(i.Size - i.SharedSize, 4),
      VirtualSize: humanSize(i.VirtualSize, 4),
    });
    if (isDangling(i)) {
      out.push(row('<none>', '<none>', '<none>'));
      continue;
    }
    const tags = new Map<string, string[]>();
    const digests = new Map<string, string[]>();
    for (const t of i.RepoTags ?? []) {
      const p = splitRef(t, ':');
      if (p) tags.set(p[0], [...(tags.get(p[0]) ?? []), p[1]]);
    }
    for (const d of i.RepoDigests ?? []) {
      const p = splitRef(d, '@');
      if (p) digests.set(p[0], [...(digests.get(p[0]) ?? []), p[1]]);
    }
    for (const [repo, ts] of tags) {
      const ds = opts.digests ? digests.get(repo) ?? [] : [];
      digests.delete(repo);
      for (const t of ts) {
        if (ds.length === 0) out.push(row(repo, t, '<none>'));
        else for (const d of ds) out.push(row(repo, t, d));
      }
    }
    for (const [repo, ds] of digests) {
      if (opts.digests) for (const d of ds) out.push(row(repo, '<none>', d));
      else out.push(row(repo, '<none>', ''));
    }
  }
  return out;
}

export const imageHeaders = {
  Containers: 'CONTAINERS', CreatedAt: 'CREATED AT', CreatedSince: 'CREATED', Digest: 'DIGEST', ID: 'IMAGE ID',
  Repository: 'REPOSITORY', SharedSize: 'SHARED SIZE', Size: 'SIZE', Tag: 'TAG', UniqueSize: 'UNIQUE SIZE', VirtualSize: 'SIZE',
};

export interface HistoryRow {
  Comment: string;
  CreatedAt: string;
  CreatedBy: string;
  CreatedSince: string;
  ID: string;
  Size: string;
}

/** Rows of `berth history`, as docker/cli's historyContext makes them. */
export function historyRows(items: readonly HistoryItem[], opts: { trunc: boolean; human: boolean; now?: number }): HistoryRow[] {
  return items.map((h) => {
    const createdBy = h.CreatedBy.replace(/\t/g, ' ');
    return {
      Comment: h.Comment,
      CreatedAt: goRfc3339(h.Created),
      CreatedBy: opts.trunc ? ellipsis(createdBy, 45) : createdBy,
      CreatedSince: opts.human ? createdSince(h.Created, opts.now) : goRfc3339(h.Created),
      ID: opts.trunc ? truncateId(h.Id) : h.Id,
      Size: opts.human ? humanSize(h.Size, 3) : String(h.Size),
    };
  });
}

export const historyHeaders = {
  Comment: 'COMMENT', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', CreatedSince: 'CREATED', ID: 'IMAGE', Size: 'SIZE',
};
