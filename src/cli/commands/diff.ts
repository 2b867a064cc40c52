/**
 * @module cli/commands/diff
 * `berth diff CONTAINER` (also `berth container diff`): the container's file system changes,
 * one `C|A|D PATH` line each, in the order the daemon gives them.
 */
import type { ContainerChangeWire } from '../../api/types/containers.js';
import type { Command } from '../command.js';
import { enc } from './container-each.js';

const KINDS = ['C', 'A', 'D'];

export const diff: Command = {
  name: 'diff',
  usage: 'CONTAINER',
  description: "Inspect changes to files or directories on a container's filesystem",
  args: { min: 1, max: 1 },
  async run(ctx, args) {
    const client = await ctx.client();
    const changes = (await client.json<ContainerChangeWire[] | null>('GET', `/containers/${enc(args[0]!)}/changes`)) ?? [];
    ctx.out(changes.map((c) => `${KINDS[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
  },
};
