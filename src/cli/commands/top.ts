/**
 * @module cli/commands/top
 * `berth top CONTAINER [ps OPTIONS]`: the container's processes as the host's ps shows them.
 */
import type { TopResponse } from '../../api/types/containers.js';
import type { Command } from '../command.js';
import { tabulate } from '../format/tabwriter.js';
import { enc } from './container-each.js';

export const top: Command = {
  name: 'top',
  usage: 'CONTAINER [ps OPTIONS]',
  description: 'Display the running processes of a container',
  args: { min: 1 },
  interspersed: false,
  async run(ctx, args) {
    const client = await ctx.client();
    const r = await client.json<TopResponse>('GET', `/containers/${enc(args[0]!)}/top`, { query: { ps_args: args.slice(1).join(' ') || undefined } });
    const lines = [r.Titles.join('\t'), ...r.Processes.map((p) => p.join('\t'))];
    ctx.out(tabulate(lines.join('\n')) + '\n');
  },
};
