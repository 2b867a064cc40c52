/**
 * @module image/archive-read
 * Reading an image archive that `load` received: which images it holds, with their configs,
 * tags and layer blobs in order. Accepts a docker-archive (`manifest.json`) and an OCI image
 * layout (`index.json`, nested indexes resolved to this host's platform). Pure: the caller
 * collected the small files and knows which entries were layer blobs.
 */
import { DataLoss, InvalidArgument } from '../errdefs/index.js';
import { hexOf, isDigest, type Digest } from './digest.js';
import type { DockerArchiveManifestEntry } from './archive-plan.js';
import { refFromAnnotations } from './archive-plan.js';
import {
  hostPlatform, isIndexMediaType, parseIndex, parseManifest, platformMatches, type Descriptor, type Platform,
} from './manifest.js';
import { parseNormalizedNamed, tagNameOnly, type Reference } from './reference.js';

/** One image found in an archive. */
export interface ArchiveContent {
  config: Buffer;
  /** Archive entry names of the layer tars, base first. */
  layers: string[];
  refs: Reference[];
  /** docker-archive: the image's parent (`Parent`), another image of the archive. */
  parent?: Digest;
}

/** Normalizes an archive entry name: no `./` prefix, no trailing `/`; rejects escapes. */
export function cleanArchivePath(name: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new InvalidArgument(`invalid archive path ${JSON.stringify(name)}`);
  return parts.join('/');
}

export interface ArchiveFiles {
  /** Small files (JSON) by cleaned entry name. */
  get(name: string): Buffer | undefined;
  /** Whether an entry of that name was a layer blob. */
  isLayer(name: string): boolean;
}

function need(files: ArchiveFiles, name: string, what: string): Buffer {
  const b = files.get(cleanArchivePath(name));
  if (!b) throw new DataLoss(`invalid archive: ${what} ${JSON.stringify(name)} not found`);
  return b;
}

function parseJson<T>(b: Buffer, what: string): T {
  try {
    return JSON.parse(b.toString('utf8')) as T;
  } catch (e) {
    throw new DataLoss(`invalid archive: ${what}: ${(e as Error).message}`, { cause: e });
  }
}

/** Images of a docker-archive, from its manifest.json. */
export function readDockerArchive(files: ArchiveFiles): ArchiveContent[] {
  const entries = parseJson<DockerArchiveManifestEntry[]>(need(files, 'manifest.json', 'file'), 'manifest.json');
  if (!Array.isArray(entries)) throw new DataLoss('invalid archive: manifest.json is not a list');
  return entries.map((e) => {
    if (!e || typeof e.Config !== 'string' || !Array.isArray(e.Layers)) throw new DataLoss('invalid archive: bad manifest.json entry');
    const refs = (e.RepoTags ?? []).map((t) => {
      const r = tagNameOnly(parseNormalizedNamed(t));
      if (r.digest !== undefined) throw new DataLoss(`invalid archive: tag ${JSON.stringify(t)} is a digest reference`);
      return r;
    });
    const layers = e.Layers.map((l) => {
      const n = cleanArchivePath(l);
      if (!files.isLayer(n)) throw new DataLoss(`invalid archive: layer ${JSON.stringify(l)} not found`);
      return n;
    });
    const parent = typeof e.Parent === 'string' && isDigest(e.Parent) ? { parent: e.Parent as Digest } : {};
    return { config: need(files, e.Config, 'config'), layers, refs, ...parent };
  });
}

function blobPath(d: Descriptor): string {
  return `blobs/sha256/${hexOf(d.digest)}`;
}

/** Images of an OCI image layout, from index.json; nested indexes resolve to `platform`. */
export function readOciLayout(files: ArchiveFiles, platform: Platform = hostPlatform()): ArchiveContent[] {
  const layoutFile = files.get('oci-layout');
  if (layoutFile) {
    const l = parseJson<{ imageLayoutVersion?: string }>(layoutFile, 'oci-layout');
    if (l.imageLayoutVersion !== '1.0.0') throw new DataLoss(`unsupported OCI layout version ${JSON.stringify(l.imageLayoutVersion)}`);
  }
  const index = parseIndex(need(files, 'index.json', 'file'));
  const byManifest = new Map<string, ArchiveContent>();
  const resolve = (d: Descriptor, depth: number): Descriptor | undefined => {
    if (!isIndexMediaType(d.mediaType)) return d;
    if (depth > 4) throw new DataLoss('invalid archive: indexes nested too deeply');
    const inner = parseIndex(need(files, blobPath(d), 'blob'));
    const m = inner.manifests.find((x) => platformMatches(x.platform, platform));
    return m ? resolve(m, depth + 1) : undefined;
  };
  for (const top of index.manifests) {
    const d = resolve(top, 0);
    if (!d) continue;
    let content = byManifest.get(d.digest);
    if (!content) {
      const m = parseManifest(need(files, blobPath(d), 'blob'));
      const layers = m.layers.map((l) => {
        const n = blobPath(l);
        if (!files.isLayer(n)) throw new DataLoss(`invalid archive: layer blob ${l.digest} not found`);
        return n;
      });
      content = { config: need(files, blobPath(m.config), 'config blob'), layers, refs: [] };
      byManifest.set(d.digest, content);
    }
    const ref = refFromAnnotations(top.annotations);
    if (ref) content.refs.push(tagNameOnly(ref));
  }
  if (byManifest.size === 0) throw new DataLoss(`invalid archive: no image for platform ${platform.os}/${platform.architecture}`);
  return [...byManifest.values()];
}

/** Reads whichever format the archive is; docker-archive wins when both are present. */
export function readArchive(files: ArchiveFiles): ArchiveContent[] {
  if (files.get('manifest.json')) return readDockerArchive(files);
  if (files.get('index.json')) return readOciLayout(files);
  throw new InvalidArgument('invalid archive: neither manifest.json nor index.json found (not a docker-archive or OCI layout)');
}
