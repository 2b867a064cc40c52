/**
 * @module cli/commands/tag
 * `berth tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]` (also `berth image tag`).
 */
import type { Command } from '../command.js';

/** Splits `name[:tag]` where the name may hold a registry port (`localhost:5000/x:1`). */
export function splitNameTag(ref: string): { repo: string; tag: string } {
  const at = ref.indexOf('@');
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const i = base.lastIndexOf(':');
  if (at < 0 && i > 0 && !base.slice(i).includes('/')) return { repo: base.slice(0, i), tag: base.slice(i + 1) };
  return { repo: ref, tag: '' };
}

export const tag: Command = {
  name: 'tag',
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  args: { min: 2, max: 2 },
  async run(ctx, args) {
    const { repo, tag: t } = splitNameTag(args[1]!);
    const client = await ctx.client();
    await client.json('POST', `/images/${encodeURIComponent(args[0]!)}/tag`, { query: { repo, tag: t || undefined } });
  },
};
