/**
 * @module engine/distribution/pull
 * Pull, as dockerd's distribution code does it: the manifest (a manifest list or index narrowed
 * to the platform), the config, then the missing layers, three at a time. Each layer's blob is
 * extracted into the layer store's staging area while it downloads; nothing becomes visible
 * until every blob matched its digest and every layer its diffID; then the layers are
 * published on their parents in order. The image and its tag and digest references come last, under the image
 * lock; an interrupted pull leaves at most published layers, which start-up recovery removes
 * when no image uses them.
 */
import { Cancelled, Conflict, DataLoss, InvalidArgument, NotFound, SystemError, Unauthorized } from '../../errdefs/index.js';
import { chainIds } from '../../image/chain.js';
import { decodeImageConfig } from '../../image/config.js';
import { digestOf, shortId, type Digest } from '../../image/digest.js';
import { isIndexMediaType, isManifestMediaType, MediaType, parseIndex, parseManifest, type Platform } from '../../image/manifest.js';
import { familiarName, familiarString, referenceString, tagNameOnly, type Reference } from '../../image/reference.js';
import { registryCodeOf } from '../../registry/errors.js';
import { parsePlatform, selectManifest } from '../../registry/platform.js';
import type { Repository } from '../../registry/types.js';
import type { StagedLayer } from '../../store/layers/types.js';
import type { DistributionDeps } from './context.js';
import { requestRef } from './context.js';
import { Limiter } from './limiter.js';
import { message, progressMsg, status, Throttle } from './progress.js';
import type { ProgressSink, PullRequest } from './types.js';

/** Largest image config accepted (they are read into memory). */
const MAX_CONFIG = 32 << 20;
const LAYER_TYPES = new Set<string>([MediaType.dockerLayerGzip, MediaType.ociLayerGzip, MediaType.ociLayer, MediaType.dockerLayer]);

/** Pulls what `req` names; resolves with the reference it named (for the `pull` event). */
export async function pull(d: DistributionDeps, req: PullRequest, progress: ProgressSink): Promise<Reference> {
  const ref = requestRef(req.image, req.tag);
  try {
    await pullRef(d, ref, req, progress);
    return ref;
  } catch (e) {
    throw translatePullError(e, ref);
  }
}

/**
 * dockerd's words for a failed pull: a registry's DENIED and NAME_UNKNOWN name the repository
 * (HTTP 404), and a refusal of credentials is no 401 (dockerd answers 500, so the docker CLI
 * does not ask for a login and pull again).
 */
function translatePullError(e: unknown, ref: Reference): unknown {
  const code = registryCodeOf(e);
  const text = e instanceof Error ? (e.cause instanceof Error && registryCodeOf(e.cause) ? e.cause : e).message : String(e);
  if (code === 'DENIED') return new NotFound(`pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login': ${text}`, { cause: e });
  if (code === 'NAME_UNKNOWN') return new NotFound(`repository ${familiarName(ref)} not found: ${text}`, { cause: e });
  if (e instanceof Unauthorized) return new SystemError(e.message, { cause: e });
  return e;
}

async function pullRef(d: DistributionDeps, ref: Reference, req: PullRequest, progress: ProgressSink): Promise<void> {
  const wanted = req.platform ? parsePlatform(req.platform, d.platform) : undefined;
  const repo = d.registry.repository(ref.domain, ref.path, req.auth, ['pull']);
  if (req.all && ref.tag === undefined && ref.digest === undefined) {
    const tags = await repo.tags();
    if (tags.length === 0) throw new NotFound(`no tags found for ${familiarName(ref)}`);
    let changed = false;
    for (const t of tags) changed = (await pullOne(d, repo, { domain: ref.domain, path: ref.path, tag: t }, wanted, progress, req.signal)) || changed;
    progress(message(undefined, `Status: ${changed ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarName(ref)}`));
    return;
  }
  const one = tagNameOnly(ref);
  const changed = await pullOne(d, repo, one, wanted, progress, req.signal);
  progress(message(undefined, `Status: ${changed ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarString(one)}`));
}

/** Pulls one tag or digest; true when it changed something (a new image or a moved tag). */
async function pullOne(
  d: DistributionDeps, repo: Repository, ref: Reference, wanted: Platform | undefined, progress: ProgressSink,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const tagOrDigest = ref.digest ?? ref.tag!;
  let fetched = await repo.getManifest(tagOrDigest);
  const manifestDigest = fetched.digest;
  // dockerd names a digest by the whole reference (`host/repo@sha256:…`), a tag by itself.
  progress(message(ref.digest ? referenceString(ref) : tagOrDigest, `Pulling from ${ref.path}`));
  const platform = wanted ?? d.platform;
  if (isIndexMediaType(fetched.mediaType)) {
    const chosen = selectManifest(parseIndex(fetched.bytes).manifests, platform);
    fetched = await repo.getManifest(chosen.digest);
  }
  if (!isManifestMediaType(fetched.mediaType)) {
    throw new InvalidArgument(`unsupported manifest media type ${fetched.mediaType || '(none)'} for ${familiarString(ref)}`);
  }
  const manifest = parseManifest(fetched.bytes);
  if (manifest.config.size > MAX_CONFIG) throw new DataLoss(`image config of ${familiarString(ref)} is too large (${manifest.config.size} bytes)`);
  // The config of an image already here is not fetched again.
  const local = d.images.images.get(manifest.config.digest);
  const configBytes = local ? local.configBytes : await repo.readBlob(manifest.config);
  const config = local ? local.config : decodeImageConfig(configBytes);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new DataLoss(`invalid manifest for ${familiarString(ref)}: ${manifest.layers.length} layers, but the config names ${diffIds.length}`);
  }
  for (const l of manifest.layers) {
    if (!LAYER_TYPES.has(l.mediaType)) {
      throw new InvalidArgument(`unsupported layer media type ${l.mediaType} in ${familiarString(ref)}` + (l.mediaType.includes('zstd') ? ' (zstd needs a newer Node.js)' : ''));
    }
  }
  const imageId = local ? local.record.id : digestOf(configBytes);
  // An image already here has all its layers: nothing to download, no per-layer lines (dockerd
  // returns before its layer phase too); only the references may move.
  // (An image removed meanwhile is pulled the usual way.)
  if (local) {
    await d.blobMap.addAll(manifest.layers.map((l, i) => [diffIds[i]!, { digest: l.digest, host: ref.domain, repo: ref.path }]));
    const changed = await recordImage(d, ref, imageId, configBytes, manifestDigest, progress, true);
    if (changed !== undefined) return changed;
  }
  const chains = chainIds(diffIds);
  const layers = d.images.layers;
  const lease = layers.lease();
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const staged = new Map<number, Promise<StagedLayer>>();
  const committed = new Set<StagedLayer>();
  let failed = false;
  try {
    const ids = manifest.layers.map((l) => shortId(l.digest));
    const missing: number[] = [];
    chains.forEach((c, i) => {
      if (layers.has(c)) {
        lease.add(c);
        progress(status(ids[i], 'Already exists'));
      } else {
        missing.push(i);
        progress(status(ids[i], 'Pulling fs layer'));
      }
    });
    const limiter = new Limiter(d.maxDownloads);
    missing.forEach((i, n) => {
      if (n >= d.maxDownloads) progress(status(ids[i], 'Waiting'));
      const p = limiter.run(async () => {
        const desc = manifest.layers[i]!;
        // Hashed once, by the layer store, as it streams into the extraction: a blob whose
        // bytes do not match its digest fails the extraction before the layer is staged.
        const blob = repo.openBlob(desc, { signal: abort.signal, verify: false });
        const th = new Throttle(progress, ids[i]!, 'Downloading', desc.size);
        let got = 0;
        const counted = async function* () {
          for await (const c of blob.body) {
            got += c.length;
            th.update(got);
            yield c;
          }
        };
        const st = await layers.stageTar(counted(), { blob: { digest: desc.digest, size: desc.size } });
        progress(status(ids[i], 'Verifying Checksum'));
        progress(status(ids[i], 'Download complete'));
        return st;
      });
      p.catch(() => abort.abort());
      staged.set(i, p);
    });
    // Every blob verified before any layer becomes visible.
    await Promise.all(staged.values());
    // Published together, on their parents in order, with one flush of the file system.
    const items: { layer: StagedLayer; parent: Digest | null }[] = [];
    for (let i = 0; i < chains.length; i++) {
      const p = staged.get(i);
      if (!p) continue;
      const st = await p;
      const desc = manifest.layers[i]!;
      if (st.diffId !== diffIds[i]) throw new DataLoss(`layer ${desc.digest} of ${familiarString(ref)}: its content has diffID ${st.diffId}, the config says ${diffIds[i]}`);
      progress(progressMsg(ids[i]!, 'Extracting', desc.size, desc.size));
      items.push({ layer: st, parent: i === 0 ? null : chains[i - 1]! });
    }
    for (const it of items) committed.add(it.layer);
    if (items.length > 0) await layers.commitStaged(items, lease);
    for (const i of missing) progress(status(ids[i], 'Pull complete'));
    await d.blobMap.addAll(manifest.layers.map((l, i) => [diffIds[i]!, { digest: l.digest, host: ref.domain, repo: ref.path }]));
    return (await recordImage(d, ref, imageId, configBytes, manifestDigest, progress))!;
  } catch (e) {
    failed = true;
    abort.abort();
    // Report what went wrong first, not the cancellation of the other downloads it caused.
    const settled = await Promise.allSettled(staged.values());
    const cause = settled.find((s) => s.status === 'rejected' && !(s.reason instanceof Cancelled));
    throw cause ? (cause as PromiseRejectedResult).reason : e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    const all = await Promise.allSettled(staged.values());
    for (const s of all) if (s.status === 'fulfilled' && !committed.has(s.value)) await s.value.discard();
    if (failed) abort.abort();
    lease.release();
  }
}

/**
 * Creates the image when it is new and points the digest reference and the tag at it, under the
 * image lock; says `Digest:`. True when something changed (a new image or a moved tag);
 * undefined, with nothing done, when `onlyIfPresent` and the image is not here.
 */
async function recordImage(
  d: DistributionDeps, ref: Reference, imageId: Digest, configBytes: Buffer, manifestDigest: Digest, progress: ProgressSink,
  onlyIfPresent = false,
): Promise<boolean | undefined> {
  const ctx = d.images;
  const upToDate = await ctx.lock.run(async () => {
    const existed = ctx.images.get(imageId) !== undefined;
    if (!existed && onlyIfPresent) return undefined;
    // As dockerd: up to date when the reference pulled (tag or digest) was already this image.
    const before = ctx.refs.get(ref);
    const digestRef = { domain: ref.domain, path: ref.path, digest: manifestDigest };
    const digestWas = ctx.refs.get(digestRef);
    if (!existed) await ctx.images.create(configBytes);
    // dockerd's reference store never re-points a digest: pulled by that digest, it is an error
    // (after `Digest:`); pulled by a tag (another platform of the same list), it stays put.
    if (ref.digest !== undefined && digestWas !== undefined && digestWas !== imageId) return 'conflict';
    if (digestWas === undefined) await ctx.refs.add(digestRef, imageId);
    if (ref.tag !== undefined && before !== imageId) await ctx.refs.add(ref, imageId);
    return existed && before === imageId;
  });
  if (upToDate === undefined) return undefined;
  progress(message(undefined, `Digest: ${manifestDigest}`));
  if (upToDate === 'conflict') throw new Conflict(`Cannot overwrite digest ${manifestDigest}`);
  return !upToDate;
}
