/**
 * @module cli/commands/ps
 * `berth ps [OPTIONS]` (also `berth container ls`): docker's columns and status text, `-a`,
 * `-q`, `-l`, `-n`, `-s`, `--no-trunc`, `-f` filters and `--format`.
 */
import type { ContainerSummary } from '../../api/types/containers.js';
import type { Command } from '../command.js';
import { renderList } from '../format/output.js';
import { containerHeaders, containerRows, PS_TABLE } from './container-rows.js';
import { filtersOf } from './images.js';

export const ps: Command = {
  name: 'ps',
  usage: '[OPTIONS]',
  description: 'List containers',
  args: { max: 0 },
  flags: [
    { long: 'all', short: 'a', type: 'bool', help: 'Show all containers (default shows just running)' },
    { long: 'filter', short: 'f', type: 'list', help: 'Filter output based on conditions provided', placeholder: 'filter' },
    { long: 'format', type: 'string', help: 'Format output using a custom template', placeholder: 'string' },
    { long: 'last', short: 'n', type: 'int', help: 'Show n last created containers (includes all states)', default: -1, placeholder: 'int' },
    { long: 'latest', short: 'l', type: 'bool', help: 'Show the latest created container (includes all states)' },
    { long: 'no-trunc', type: 'bool', help: "Don't truncate output" },
    { long: 'quiet', short: 'q', type: 'bool', help: 'Only display container IDs' },
    { long: 'size', short: 's', type: 'bool', help: 'Display total file sizes' },
  ],
  async run(ctx, _args, flags) {
    const client = await ctx.client();
    const limit = flags.bool('latest') ? 1 : flags.int('last') > 0 ? flags.int('last') : undefined;
    // As the docker CLI: a --format that shows .Size asks for the sizes.
    const size = flags.bool('size') || (!flags.bool('quiet') && /\.Size\b/.test(flags.string('format') ?? ''));
    const list = await client.json<ContainerSummary[]>('GET', '/containers/json', {
      query: { all: flags.bool('all') ? '1' : undefined, limit, size: size ? '1' : undefined, filters: filtersOf(flags.list('filter')) },
    });
    const rows = containerRows(list, { trunc: !flags.bool('no-trunc') });
    const table = flags.bool('size') ? `${PS_TABLE}\t{{.Size}}` : PS_TABLE;
    let format = flags.string('format') || undefined;
    if (format && flags.bool('quiet')) {
      ctx.err('WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
      format = undefined;
    }
    ctx.out(renderList(format, rows, { defaultTable: table, headers: containerHeaders }, flags.bool('quiet') ? 'ID' : undefined));
  },
};
