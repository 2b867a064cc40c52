/**
 * @module engine/images/tag
 * `tag` (POST /images/{name}/tag?repo=&tag=): points a reference at an image. `repo` arrives
 * fully qualified from the docker CLI and may carry the tag itself; an existing tag is
 * re-pointed (dockerd always forces).
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { nowRfc3339Nano } from '../../image/config.js';
import { familiarString, parseNormalizedNamed, tagNameOnly, withTag, type Reference } from '../../image/reference.js';
import type { ImageContext } from './context.js';

export function tagRef(repo: string, tag: string | undefined): Reference {
  let ref: Reference;
  try {
    ref = parseNormalizedNamed(repo);
    if (tag) ref = withTag({ domain: ref.domain, path: ref.path }, tag);
  } catch (e) {
    throw new InvalidArgument((e as Error).message, { cause: e });
  }
  if (ref.digest !== undefined) throw new InvalidArgument('refusing to create a tag with a digest reference');
  return tagNameOnly(ref);
}

export async function tagImage(ctx: ImageContext, name: string, repo: string, tag?: string): Promise<string> {
  if (!repo) throw new InvalidArgument('repository name must have at least one component');
  const ref = tagRef(repo, tag);
  return ctx.lock.run(async () => {
    const img = ctx.resolve(name);
    await ctx.refs.add(ref, img.record.id);
    await ctx.images.setLastTagTime(img.record.id, nowRfc3339Nano());
    return familiarString(ref);
  });
}
