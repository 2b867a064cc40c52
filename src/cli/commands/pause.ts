/**
 * @module cli/commands/pause
 * `berth pause CONTAINER...` and `berth unpause CONTAINER...` (the cgroup freezer).
 */
import type { Command } from '../command.js';
import { enc, forEachContainer, post } from './container-each.js';

export const pause: Command = {
  name: 'pause',
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Pause all processes within one or more containers',
  args: { min: 1 },
  async run(ctx, args) {
    await forEachContainer(ctx, args, (c, n) => post(c, `/containers/${enc(n)}/pause`));
  },
};

export const unpause: Command = {
  name: 'unpause',
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Unpause all processes within one or more containers',
  args: { min: 1 },
  async run(ctx, args) {
    await forEachContainer(ctx, args, (c, n) => post(c, `/containers/${enc(n)}/unpause`));
  },
};
