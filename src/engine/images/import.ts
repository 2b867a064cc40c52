/**
 * @module engine/images/import
 * `import` (POST /images/create?fromSrc=): a root file system tar (plain or gzip, from the
 * request body or a URL) becomes a one-layer image with the config dockerd writes:
 * comment and history "Imported from <src>" unless a message is given, `-c` changes applied.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { emptyContainerConfig, encodeImageConfig, nowRfc3339Nano } from '../../image/config.js';
import type { Digest } from '../../image/digest.js';
import { hostPlatform } from '../../image/manifest.js';
import { parseNormalizedNamed, tagNameOnly, withTag, type Reference } from '../../image/reference.js';
import { getWithStatusError } from '../../util/http-get.js';
import { BERTH_VERSION } from '../../util/version.js';
import { applyChanges } from './changes.js';
import type { ImageContext } from './context.js';
import type { ImportRequest, ProgressSink } from './types.js';

/** The reference to tag an import with, from `repo` (may carry a tag) and `tag`. */
export function importRef(repo: string | undefined, tag: string | undefined): Reference | undefined {
  if (!repo) return undefined;
  let ref: Reference;
  try {
    ref = parseNormalizedNamed(repo);
    if (ref.digest !== undefined) throw new InvalidArgument('cannot import digest reference');
    if (tag) ref = withTag(ref, tag);
  } catch (e) {
    throw new InvalidArgument((e as Error).message, { cause: e });
  }
  return tagNameOnly(ref);
}

function platformOf(p: string | undefined): { architecture: string; os: string; variant?: string } {
  const host = hostPlatform();
  if (!p) return host;
  const [os, arch, variant] = p.toLowerCase().split('/');
  if (os !== 'linux') throw new InvalidArgument(`operating system is not supported: ${os}`);
  return { os, architecture: arch || host.architecture, ...(variant ? { variant } : {}) };
}

async function* fetchBody(url: string, progress: ProgressSink): AsyncGenerator<Buffer> {
  const u = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
  const res = await getWithStatusError(u);
  progress({ status: `Downloading from ${u}` });
  for await (const chunk of res.body as AsyncIterable<Buffer>) yield chunk;
}

export async function importImage(ctx: ImageContext, req: ImportRequest, progress: ProgressSink): Promise<Digest> {
  const ref = importRef(req.repo, req.tag);
  const platform = platformOf(req.platform);
  const config = applyChanges(emptyContainerConfig(), req.changes ?? []);
  // A request body stream has a `url` property too: tell them apart by iterability.
  const url = Symbol.asyncIterator in req.source ? undefined : (req.source as { url: string }).url;
  const src = url ?? '-';
  const message = req.message || `Imported from ${src}`;
  const body = url !== undefined ? fetchBody(url, progress) : (req.source as AsyncIterable<Buffer>);
  const lease = ctx.layers.lease();
  try {
    const { layer } = await ctx.layers.applyTar(null, body, { lease });
    const created = nowRfc3339Nano();
    const bytes = encodeImageConfig({
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      comment: message,
      config,
      container_config: emptyContainerConfig(),
      created,
      docker_version: BERTH_VERSION,
      history: [{ created, comment: message }],
      os: platform.os,
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    });
    const id = await ctx.lock.run(async () => {
      const img = await ctx.images.create(bytes);
      if (ref) {
        await ctx.refs.add(ref, img.record.id);
        await ctx.images.setLastTagTime(img.record.id, nowRfc3339Nano());
      }
      return img.record.id;
    });
    progress({ status: id });
    return id;
  } finally {
    lease.release();
  }
}
