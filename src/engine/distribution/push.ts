/**
 * @module engine/distribution/push
 * Push, as dockerd does it: every layer five at a time — skipped when the repository already
 * has a blob known to hold it ("Layer already exists"), mounted from another repository of the
 * same registry ("Mounted from …"), otherwise compressed and uploaded ("Pushing", "Pushed") —
 * then the config, then a Docker schema 2 manifest under the tag. Compression is deterministic
 * (util/parallel-gzip: fixed chunks, level and header, in parallel), so the same layer always
 * gives the same blob digest, and the blob map remembers it for the next push.
 */
import { constants } from 'node:zlib';
import { InvalidArgument, NotFound, Unauthorized } from '../../errdefs/index.js';
import { shortId, type Digest } from '../../image/digest.js';
import { MediaType } from '../../image/manifest.js';
import { familiarName, familiarString, fullName, parseNormalizedNamed, withTag, type Reference } from '../../image/reference.js';
import type { Repository } from '../../registry/types.js';
import type { LayerInfo } from '../../store/layers/types.js';
import { parallelGzip } from '../../util/parallel-gzip.js';
import type { DistributionDeps } from './context.js';
import { Limiter } from './limiter.js';
import { status, Throttle } from './progress.js';
import type { ProgressSink, PushRequest } from './types.js';

/** gzip level of pushed layers: fast, and fixed so that digests never change. */
export const PUSH_GZIP_LEVEL = constants.Z_BEST_SPEED;

function parsePushRef(name: string, tag: string | undefined): Reference {
  let ref: Reference;
  try {
    ref = parseNormalizedNamed(name);
    if (tag) ref = withTag({ domain: ref.domain, path: ref.path }, tag);
  } catch (e) {
    throw new InvalidArgument((e as Error).message, { cause: e });
  }
  if (ref.digest !== undefined) throw new InvalidArgument('cannot push a digest reference');
  return ref;
}

export async function push(d: DistributionDeps, req: PushRequest, progress: ProgressSink): Promise<void> {
  const ref = parsePushRef(req.name, req.tag);
  const ctx = d.images;
  // dockerd names the repository before it looks for the image: a missing tag is an error in the stream.
  progress(status(undefined, `The push refers to repository [${fullName(ref)}]`));
  // As dockerd: first any reference to the repository (a tag or a digest), then the tag asked
  // for, or for a push of every tag, at least one tag (pushed in the order of their full names).
  const named = ctx.refs
    .all()
    .map(([r]) => r)
    .filter((r) => r.domain === ref.domain && r.path === ref.path);
  if (named.length === 0) throw new NotFound(`An image does not exist locally with the tag: ${familiarName(ref)}`);
  let targets: Reference[];
  if (ref.tag !== undefined) {
    if (!ctx.refs.get(ref)) throw new NotFound(`tag does not exist: ${familiarString(ref)}`);
    targets = [ref];
  } else {
    targets = named.filter((r) => r.tag !== undefined).sort((a, b) => (a.tag! < b.tag! ? -1 : a.tag! > b.tag! ? 1 : 0));
    if (targets.length === 0) throw new NotFound(`no tags to push for ${familiarName(ref)}`);
  }
  const repo = d.registry.repository(ref.domain, ref.path, req.auth, ['pull', 'push']);
  // dockerd pings the registry before the first layer: one that does not answer fails here.
  await repo.ping();
  for (const t of targets) await pushOne(d, repo, t, progress);
}

async function pushOne(d: DistributionDeps, repo: Repository, ref: Reference, progress: ProgressSink): Promise<void> {
  const ctx = d.images;
  const id = ctx.refs.get(ref);
  const img = id ? ctx.images.get(id) : undefined;
  if (!img) throw new NotFound(`An image does not exist locally with the tag: ${familiarName(ref)}`);
  const infos = img.chainIds.map((c) => {
    const l = ctx.layers.get(c);
    if (!l) throw new NotFound(`layer ${c} of ${familiarName(ref)} is missing`);
    return l;
  });
  const lease = ctx.layers.lease();
  for (const c of img.chainIds) lease.add(c);
  try {
    const top = [...infos].reverse();
    for (const l of top) progress(status(shortId(l.diffId), 'Preparing'));
    const limiter = new Limiter(d.maxUploads);
    const results = new Map<Digest, Promise<{ digest: Digest; size: number }>>();
    top.forEach((l, n) => {
      if (results.has(l.chainId)) return;
      if (n >= d.maxUploads) progress(status(shortId(l.diffId), 'Waiting'));
      // dockerd's upload retry logic unwraps a missing-credentials error from its URL.
      const p = limiter.run(() =>
        pushLayer(d, repo, ref, l, progress).catch((e) => {
          throw e instanceof Unauthorized && e.cause instanceof Unauthorized ? e.cause : e;
        }),
      );
      p.catch(() => undefined);
      results.set(l.chainId, p);
    });
    // The config goes up while the layers do (its round trips would otherwise follow the last layer).
    const configDigest = img.record.id;
    const configSize = img.configBytes.length;
    const config = (async () => {
      if ((await repo.statBlob(configDigest)) === undefined) {
        await repo.uploadBlob(async function* () {
          yield img.configBytes;
        }, { expected: configDigest, size: configSize });
      }
    })();
    config.catch(() => undefined);
    const layers: { digest: Digest; size: number }[] = [];
    for (const l of infos) layers.push(await results.get(l.chainId)!);
    await config;
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: MediaType.dockerConfig, size: configSize, digest: configDigest },
      layers: layers.map((l) => ({ mediaType: MediaType.dockerLayerGzip, size: l.size, digest: l.digest })),
    };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
    const digest = await repo.putManifest(ref.tag!, MediaType.dockerManifest, bytes);
    await ctx.lock.run(() => ctx.refs.add({ domain: ref.domain, path: ref.path, digest }, img.record.id));
    progress(status(undefined, `${ref.tag}: digest: ${digest} size: ${bytes.length}`));
    progress({ progressDetail: {}, aux: { Tag: ref.tag, Digest: digest, Size: bytes.length } });
  } finally {
    lease.release();
  }
}

export async function pushLayer(d: DistributionDeps, repo: Repository, ref: Reference, l: LayerInfo, progress: ProgressSink): Promise<{ digest: Digest; size: number }> {
  const id = shortId(l.diffId);
  const known = await d.blobMap.lookup(l.diffId, ref.domain, ref.path);
  // A blob known to hold this layer, already in the target repository.
  for (const k of known) {
    const size = await repo.statBlob(k.digest);
    if (size !== undefined) {
      progress(status(id, 'Layer already exists'));
      if (k.repo !== ref.path) await d.blobMap.add(l.diffId, { digest: k.digest, host: ref.domain, repo: ref.path });
      return { digest: k.digest, size };
    }
    if (k.repo === ref.path) await d.blobMap.remove(l.diffId, k);
  }
  // One in another repository of the same registry: mount it.
  for (const k of known) {
    if (k.repo === ref.path) continue;
    if (await repo.mountBlob(k.digest, k.repo)) {
      const size = await repo.statBlob(k.digest);
      if (size === undefined) continue;
      progress(status(id, `Mounted from ${k.repo}`));
      await d.blobMap.add(l.diffId, { digest: k.digest, host: ref.domain, repo: ref.path });
      return { digest: k.digest, size };
    }
  }
  const th = new Throttle(progress, id, 'Pushing', l.tarSize);
  const source = () => {
    let n = 0;
    // parallelGzip says how much of the tar it is done with, so the export reuses read buffers.
    let consumed = 0;
    const tar = d.images.layers.exportTar(l.chainId, { consumed: () => consumed });
    const counted = async function* () {
      for await (const c of tar as AsyncIterable<Buffer>) {
        n += c.length;
        th.update(n);
        yield c;
      }
    };
    return parallelGzip(counted(), { level: PUSH_GZIP_LEVEL, onConsumed: (b) => (consumed = b) });
  };
  const up = await repo.uploadBlob(source);
  progress(status(id, 'Pushed'));
  await d.blobMap.add(l.diffId, { digest: up.digest, host: ref.domain, repo: ref.path });
  return up;
}
