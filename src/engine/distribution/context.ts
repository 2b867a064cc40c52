/**
 * @module engine/distribution/context
 * What pull and push work with, and the reference rules they share.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { isDigest } from '../../image/digest.js';
import type { Platform } from '../../image/manifest.js';
import { parseNormalizedNamed, withTag, type Reference } from '../../image/reference.js';
import type { RegistryClient } from '../../registry/types.js';
import type { ImageContext } from '../images/context.js';
import type { BlobMap } from './blob-map.js';

export interface DistributionDeps {
  images: ImageContext;
  registry: RegistryClient;
  blobMap: BlobMap;
  /** The platform containers run on here. */
  platform: Platform;
  maxDownloads: number;
  maxUploads: number;
}

/** `fromImage` + `tag` as dockerd combines them: the tag parameter may be a digest. */
export function requestRef(image: string, tag: string | undefined): Reference {
  let ref: Reference;
  try {
    ref = parseNormalizedNamed(image);
    if (tag) {
      if (isDigest(tag)) ref = { domain: ref.domain, path: ref.path, digest: tag };
      else if (tag.includes(':')) throw new InvalidArgument(`invalid reference format: ${tag} is not a valid digest`);
      else ref = withTag({ domain: ref.domain, path: ref.path }, tag);
    }
  } catch (e) {
    throw new InvalidArgument((e as Error).message, { cause: e });
  }
  if (ref.digest !== undefined && ref.tag !== undefined) ref = { domain: ref.domain, path: ref.path, digest: ref.digest };
  return ref;
}
