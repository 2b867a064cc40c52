/**
 * @module cli/commands/images
 * `berth images [OPTIONS] [REPOSITORY[:TAG]]` (also `berth image ls`): docker's columns,
 * human sizes and times, `--digests`, `--no-trunc`, `-q`, `-f` filters and `--format`.
 */
import type { ImageSummary } from '../../api/types/images.js';
import type { Command } from '../command.js';
import type { FlagSpec } from '../../util/flags.js';
import { renderList } from '../format/output.js';
import { imageHeaders, imageRows } from './image-rows.js';

const TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
const TABLE_DIGESTS = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';

export const imagesFlags: FlagSpec[] = [
  { long: 'all', short: 'a', type: 'bool', help: 'Show all images (default hides intermediate images)' },
  { long: 'digests', type: 'bool', help: 'Show digests' },
  { long: 'filter', short: 'f', type: 'list', help: 'Filter output based on conditions provided', placeholder: 'filter' },
  { long: 'format', type: 'string', help: 'Format output using a custom template', placeholder: 'string' },
  { long: 'no-trunc', type: 'bool', help: "Don't truncate output" },
  { long: 'quiet', short: 'q', type: 'bool', help: 'Only show image IDs' },
];

/** `-f key=value` flags as the API's map-form filters. */
export function filtersOf(list: string[]): Record<string, Record<string, boolean>> | undefined {
  if (list.length === 0) return undefined;
  const out: Record<string, Record<string, boolean>> = {};
  for (const f of list) {
    const eq = f.indexOf('=');
    const k = (eq < 0 ? f : f.slice(0, eq)).trim().toLowerCase();
    const v = eq < 0 ? '' : f.slice(eq + 1);
    (out[k] ??= {})[v] = true;
  }
  return out;
}

export const images: Command = {
  name: 'images',
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  description: 'List images',
  args: { max: 1 },
  flags: imagesFlags,
  async run(ctx, args, flags) {
    const filterList = flags.list('filter');
    if (args[0]) filterList.push(`reference=${args[0]}`);
    const client = await ctx.client();
    const list = await client.json<ImageSummary[]>('GET', '/images/json', {
      query: { all: flags.bool('all') ? '1' : undefined, filters: filtersOf(filterList) },
    });
    const rows = imageRows(list, { trunc: !flags.bool('no-trunc'), digests: flags.bool('digests') });
    const format = flags.string('format') || undefined;
    const table = flags.bool('digests') ? TABLE_DIGESTS : TABLE;
    ctx.out(renderList(format, rows, { defaultTable: table, headers: imageHeaders }, flags.bool('quiet') ? 'ID' : undefined));
  },
};
