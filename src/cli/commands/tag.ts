/**
 * @module cli/commands/tag
 * `berth tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]` (also `berth image tag`).
 */
import { isDigest } from '../../image/digest.js';
import { parseNormalizedNamed } from '../../image/reference.js';
import { ExitError, type Command } from '../command.js';

/**
 * The docker CLI's own checks before it asks the daemon (client.ImageTag): both names must
 * parse (the source may be an image ID), and the target may not carry a digest.
 */
function checkNames(source: string, target: string): void {
  const parse = (name: string) => {
    try {
      return parseNormalizedNamed(name);
    } catch (e) {
      throw new ExitError(1, `Error parsing reference: ${JSON.stringify(name)} is not a valid repository/tag: ${(e as Error).message}`, { cause: e });
    }
  };
  if (!/^[a-f0-9]{64}$/.test(source) && !isDigest(source)) parse(source);
  if (parse(target).digest !== undefined) throw new ExitError(1, 'refusing to create a tag with a digest reference');
}

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
    checkNames(args[0]!, args[1]!);
    const { repo, tag: t } = splitNameTag(args[1]!);
    const client = await ctx.client();
    await client.json('POST', `/images/${encodeURIComponent(args[0]!)}/tag`, { query: { repo, tag: t || undefined } });
  },
};
