/**
 * @module cli/commands/history
 * `berth history [OPTIONS] IMAGE` (also `berth image history`): docker's table
 * (IMAGE CREATED CREATED BY SIZE COMMENT), `<missing>` for layers whose image is not here.
 */
import type { HistoryItem } from '../../api/types/images.js';
import type { Command } from '../command.js';
import { renderList } from '../format/output.js';
import { historyHeaders, historyRows } from './image-rows.js';

const TABLE = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
const TABLE_NON_HUMAN = 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';

export const history: Command = {
  name: 'history',
  usage: '[OPTIONS] IMAGE',
  description: 'Show the history of an image',
  args: { min: 1, max: 1 },
  flags: [
    { long: 'format', type: 'string', help: 'Format output using a custom template', placeholder: 'string' },
    { long: 'human', short: 'H', type: 'bool', help: 'Print sizes and dates in human readable format', default: true },
    { long: 'no-trunc', type: 'bool', help: "Don't truncate output" },
    { long: 'quiet', short: 'q', type: 'bool', help: 'Only show image IDs' },
  ],
  async run(ctx, args, flags) {
    const client = await ctx.client();
    const items = await client.json<HistoryItem[]>('GET', `/images/${encodeURIComponent(args[0]!)}/history`);
    const human = flags.bool('human');
    const rows = historyRows(items, { trunc: !flags.bool('no-trunc'), human });
    const spec = { defaultTable: human ? TABLE : TABLE_NON_HUMAN, headers: historyHeaders };
    ctx.out(renderList(flags.string('format') || undefined, rows, spec, flags.bool('quiet') ? 'ID' : undefined));
  },
};
