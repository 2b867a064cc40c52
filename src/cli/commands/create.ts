/**
 * @module cli/commands/create
 * `berth create [OPTIONS] IMAGE [COMMAND] [ARG...]`: prints the new container's ID.
 */
import type { Command } from '../command.js';
import { buildCreateRequest, createFlags } from './container-options.js';
import { createContainer } from './container-create.js';

export const create: Command = {
  name: 'create',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create a new container',
  args: { min: 1 },
  interspersed: false,
  flags: createFlags,
  async run(ctx, args, flags) {
    const size: [number, number] | undefined = flags.bool('tty') && ctx.stdout.isTTY ? [ctx.stdout.rows ?? 0, ctx.stdout.columns ?? 0] : undefined;
    const plan = buildCreateRequest(flags, args, { detach: false, stdinIsTty: !!ctx.stdin.isTTY, size, caller: ctx, command: 'create' });
    const id = await createContainer(ctx, await ctx.client(), plan, 'create', { pull: flags.string('pull'), quiet: flags.bool('quiet'), cidfile: flags.string('cidfile') || undefined });
    ctx.out(`${id}\n`);
  },
};
