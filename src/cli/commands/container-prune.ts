/**
 * @module cli/commands/container-prune
 * `berth container prune [-f] [--filter]`: removes every stopped container, after asking.
 */
import { createInterface } from 'node:readline/promises';
import type { ContainerPruneReport } from '../../api/types/containers.js';
import type { CliContext, Command } from '../command.js';
import { humanSize } from '../format/units.js';
import { filtersOf } from './images.js';

export async function confirm(ctx: CliContext, warning: string): Promise<boolean> {
  ctx.out(`${warning}\nAre you sure you want to continue? [y/N] `);
  const rl = createInterface({ input: ctx.stdin });
  const answer = await rl.question('').catch(() => '');
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export const containerPrune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  description: 'Remove all stopped containers',
  args: { max: 0 },
  flags: [
    { long: 'filter', type: 'list', help: 'Provide filter values (e.g. "until=<timestamp>")', placeholder: 'filter' },
    { long: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  async run(ctx, _args, flags) {
    if (!flags.bool('force') && !(await confirm(ctx, 'WARNING! This will remove all stopped containers.'))) return;
    const client = await ctx.client();
    const r = await client.json<ContainerPruneReport>('POST', '/containers/prune', { query: { filters: filtersOf(flags.list('filter')) } });
    if (r.ContainersDeleted?.length) ctx.out(`Deleted Containers:\n${r.ContainersDeleted.join('\n')}\n\n`);
    ctx.out(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
  },
};
