/**
 * @module cli/commands/image-prune
 * `berth image prune [-a] [-f] [--filter]`: asks first unless `-f`, then prints what went
 * and the space reclaimed, as docker does.
 */
import type { PruneReport } from '../../api/types/images.js';
import type { CliContext, Command } from '../command.js';
import { humanSize } from '../format/units.js';
import { filtersOf } from './images.js';

/** docker's PromptForConfirmation: true only for an answer of y or Y. `inline`: `message` is the whole prompt. */
export async function confirm(ctx: CliContext, message: string, opts: { inline?: boolean } = {}): Promise<boolean> {
  ctx.out(opts.inline ? message : `${message}\nAre you sure you want to continue? [y/N] `);
  const line = await new Promise<string>((resolve) => {
    let buf = '';
    const stdin = ctx.stdin;
    const done = () => {
      stdin.off('data', onData);
      stdin.off('end', done);
      stdin.pause();
      resolve(buf.split('\n')[0]!.trim());
    };
    const onData = (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) done();
    };
    stdin.on('data', onData);
    stdin.once('end', done);
    stdin.resume();
  });
  return line === 'y' || line === 'Y';
}

export const imagePrune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  description: 'Remove unused images',
  args: { max: 0 },
  flags: [
    { long: 'all', short: 'a', type: 'bool', help: 'Remove all unused images, not just dangling ones' },
    { long: 'filter', type: 'list', help: 'Provide filter values (e.g. "until=<timestamp>")', placeholder: 'filter' },
    { long: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  async run(ctx, _args, flags) {
    const all = flags.bool('all');
    const warning = all
      ? 'WARNING! This will remove all images without at least one container associated to them.'
      : 'WARNING! This will remove all dangling images.';
    if (!flags.bool('force') && !(await confirm(ctx, warning))) return;
    const list = flags.list('filter');
    if (all) list.push('dangling=false');
    const client = await ctx.client();
    const report = await client.json<PruneReport>('POST', '/images/prune', { query: { filters: filtersOf(list) } });
    let text = '';
    if (report.ImagesDeleted?.length) {
      text += 'Deleted Images:\n';
      for (const d of report.ImagesDeleted) text += 'Untagged' in d ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`;
      text += '\n';
    }
    ctx.out(`${text}Total reclaimed space: ${humanSize(report.SpaceReclaimed, 4)}\n`);
  },
};
