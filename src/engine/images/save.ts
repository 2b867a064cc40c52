/**
 * @module engine/images/save
 * `save` (GET /images/get?names=…): a docker-archive (default) or an OCI layout
 * (`format=oci`), streamed. Names resolve as in dockerd: `repo` alone saves every tag of the
 * repository, `repo:tag` that tag, an ID (or prefix) the image without tags. Layer tars are
 * reproduced byte for byte from the layer store; the layers are held until the stream ends.
 */
import { Readable } from 'node:stream';
import { InvalidArgument, NotFound } from '../../errdefs/index.js';
import { dockerArchivePlan, ociLayoutPlan, type ArchiveImage, type PlanEntry } from '../../image/archive-plan.js';
import { unixSeconds } from '../../image/config.js';
import { isDigest, type Digest } from '../../image/digest.js';
import { familiarName, parseDockerRef, parseNormalizedNamed, referenceString, type Reference } from '../../image/reference.js';
import type { Lease } from '../../store/layers/types.js';
import { BLOCK, encodeHeader, paddingOf } from '../../util/tar/header.js';
import { headerOf } from '../../util/tar/memory-tar.js';
import type { ImageContext } from './context.js';

/** Which images (with which references) the names select, in order. */
export function selectImages(ctx: ImageContext, names: string[]): Map<Digest, Reference[]> {
  const out = new Map<Digest, Reference[]>();
  const add = (id: Digest, ref?: Reference) => {
    if (!ctx.images.get(id)) throw new NotFound(`No such image: ${id}`);
    const refs = out.get(id) ?? [];
    if (ref && !refs.some((r) => referenceString(r) === referenceString(ref))) refs.push(ref);
    out.set(id, refs);
  };
  for (const name of names) {
    if (/^[a-f0-9]{64}$/.test(name) || isDigest(name)) {
      add((isDigest(name) ? name : `sha256:${name}`) as Digest);
      continue;
    }
    let ref: Reference;
    try {
      ref = parseNormalizedNamed(name);
    } catch (e) {
      throw new InvalidArgument((e as Error).message, { cause: e });
    }
    const byId = () => {
      const id = ctx.images.search(name);
      if (!id) throw new NotFound(`No such image: ${name}`);
      add(id);
    };
    if (familiarName(ref) === 'sha256') {
      byId();
      continue;
    }
    if (ref.tag === undefined && ref.digest === undefined) {
      const inRepo = ctx.refs.all().filter(([r]) => r.domain === ref.domain && r.path === ref.path);
      if (inRepo.length) for (const [r, id] of inRepo) add(id, r);
      else byId();
      continue;
    }
    const full = parseDockerRef(name);
    const id = ctx.refs.get(full);
    if (!id) throw new NotFound('reference does not exist');
    add(id, full);
  }
  if (out.size === 0) throw new InvalidArgument('no images to save');
  return out;
}

function header(e: PlanEntry, size: number): Buffer {
  return encodeHeader(
    headerOf({ name: e.name, type: e.kind === 'dir' ? 'dir' : 'file', mode: e.kind === 'dir' ? 0o755 : 0o644, mtime: e.mtime, size }),
  );
}

async function* stream(ctx: ImageContext, plan: PlanEntry[], lease: Lease): AsyncGenerator<Buffer> {
  try {
    for (const e of plan) {
      if (e.kind === 'dir') yield header(e, 0);
      else if (e.kind === 'file') {
        yield Buffer.concat([header(e, e.data.length), e.data, Buffer.alloc(paddingOf(e.data.length))]);
      } else {
        yield header(e, e.size);
        for await (const chunk of ctx.layers.exportTar(e.chainId)) yield chunk as Buffer;
        if (paddingOf(e.size)) yield Buffer.alloc(paddingOf(e.size));
      }
    }
    yield Buffer.alloc(BLOCK * 2);
  } finally {
    lease.release();
  }
}

export async function saveImages(ctx: ImageContext, names: string[], format: 'docker' | 'oci' = 'docker'): Promise<Readable> {
  const lease = ctx.layers.lease();
  try {
    const selected = selectImages(ctx, names);
    const images: ArchiveImage[] = [];
    for (const [id, refs] of selected) {
      const img = ctx.images.get(id)!;
      img.chainIds.forEach((c) => lease.add(c));
      images.push({
        id,
        config: img.configBytes,
        refs,
        layers: img.chainIds.map((c) => {
          const l = ctx.layers.get(c)!;
          return { diffId: l.diffId, chainId: c, size: l.tarSize };
        }),
        mtime: unixSeconds(img.config.created),
        ...(img.record.parent ? { parent: img.record.parent } : {}),
      });
    }
    const plan = format === 'oci' ? ociLayoutPlan(images) : dockerArchivePlan(images);
    const out = Readable.from(stream(ctx, plan, lease), { objectMode: false, highWaterMark: 4 << 20 });
    out.once('close', () => lease.release());
    return out;
  } catch (e) {
    lease.release();
    throw e;
  }
}
