/**
 * @module image/archive-plan
 * What goes into an image archive, as a list of entries, for both formats `save` writes:
 *
 * - docker-archive (what `docker save` of Docker 20.10 writes and every `docker load`
 *   reads): `<v1id>/{VERSION,json,layer.tar}`, `<config-hex>.json`, `manifest.json`,
 *   `repositories`;
 * - OCI image layout: `blobs/sha256/<hex>` (configs, manifests, uncompressed layers),
 *   `index.json`, `oci-layout`, plus a `manifest.json` pointing into blobs/ so that
 *   `docker load` accepts it too (as Docker 25 writes it).
 *
 * Layer entries name a chain ID; the caller streams the layer tar from its store.
 */
import { digestOf, hexOf, type Digest } from './digest.js';
import { goJson } from '../util/go-json.js';
import { emptyContainerConfig } from './config.js';
import { Annotation, MediaType, type Descriptor, type Index, type Manifest } from './manifest.js';
import { parseNormalizedNamed, referenceString, familiarName, type Reference } from './reference.js';

/** One image to put into an archive. */
export interface ArchiveImage {
  /** Image ID (= config digest). */
  id: Digest;
  config: Buffer;
  /** Tags to record, as full references (docker.io/library/busybox:latest). */
  refs: Reference[];
  layers: { diffId: Digest; chainId: Digest; size: number }[];
  /** mtime (unix seconds) for the entries of this image. */
  mtime: number;
  /** The image it was built on (legacy builder), recorded when that image is saved too. */
  parent?: Digest;
}

export type PlanEntry =
  | { name: string; kind: 'dir'; mtime: number }
  | { name: string; kind: 'file'; data: Buffer; mtime: number }
  | { name: string; kind: 'layer'; chainId: Digest; diffId: Digest; size: number; mtime: number };

/** The docker-archive `manifest.json` entry. */
export interface DockerArchiveManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
  /** The image's parent, when the archive holds it too (`sha256:…`). */
  Parent?: string;
}

/** A stable v1-style directory name for a layer in a docker-archive. */
export function v1LayerId(chainId: Digest): string {
  return hexOf(digestOf(`berth-v1-layer ${chainId}`));
}

/** The familiar `name:tag` strings Docker writes into archives. */
function repoTagsOf(refs: Reference[]): string[] {
  return refs.filter((r) => r.tag !== undefined).map((r) => `${familiarName(r)}:${r.tag}`);
}

/** A two-level map with its keys in Go's (bytewise) order. */
function sortedKeys(m: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  return Object.fromEntries(Object.keys(m).sort(byBytes).map((k) => [k, Object.fromEntries(Object.keys(m[k]!).sort(byBytes).map((t) => [t, m[k]![t]!]))]));
}

export function dockerArchivePlan(images: readonly ArchiveImage[]): PlanEntry[] {
  const byName = new Map<string, PlanEntry[]>();
  const manifest: DockerArchiveManifestEntry[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const img of images) {
    const layerPaths: string[] = [];
    let parent = '';
    for (const l of img.layers) {
      const v1 = v1LayerId(l.chainId);
      layerPaths.push(`${v1}/layer.tar`);
      if (!byName.has(v1)) {
        const json: Record<string, unknown> = { id: v1 };
        if (parent) json.parent = parent;
        json.created = '1970-01-01T00:00:00Z';
        json.container_config = emptyContainerConfig();
        json.os = 'linux';
        byName.set(v1, [
          { name: `${v1}/`, kind: 'dir', mtime: img.mtime },
          { name: `${v1}/VERSION`, kind: 'file', data: Buffer.from('1.0'), mtime: img.mtime },
          { name: `${v1}/json`, kind: 'file', data: Buffer.from(goJson(json)), mtime: img.mtime },
          { name: `${v1}/layer.tar`, kind: 'layer', chainId: l.chainId, diffId: l.diffId, size: l.size, mtime: img.mtime },
        ]);
      }
      parent = v1;
    }
    const cfgName = `${hexOf(img.id)}.json`;
    if (!byName.has(cfgName)) byName.set(cfgName, [{ name: cfgName, kind: 'file', data: img.config, mtime: img.mtime }]);
    const tags = repoTagsOf(img.refs);
    const parentSaved = img.parent !== undefined && img.parent !== img.id && images.some((o) => o.id === img.parent);
    manifest.push({ Config: cfgName, RepoTags: tags.length ? tags : null, Layers: layerPaths, ...(parentSaved ? { Parent: img.parent } : {}) });
    for (const r of img.refs) {
      if (r.tag === undefined || !parent) continue;
      (repositories[familiarName(r)] ??= {})[r.tag] = parent;
    }
  }
  const out: PlanEntry[] = [];
  for (const k of [...byName.keys()].sort()) out.push(...byName.get(k)!);
  // As Go's json.Encoder writes them: a newline at the end, map keys sorted.
  out.push({ name: 'manifest.json', kind: 'file', data: Buffer.from(`${goJson(manifest)}\n`), mtime: 0 });
  if (Object.keys(repositories).length) {
    out.push({ name: 'repositories', kind: 'file', data: Buffer.from(`${goJson(sortedKeys(repositories))}\n`), mtime: 0 });
  }
  return out;
}

/** The OCI manifest of an image whose layers are stored uncompressed. */
export function ociManifestOf(img: ArchiveImage): Manifest {
  return {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: img.id, size: img.config.length },
    layers: img.layers.map((l) => ({ mediaType: MediaType.ociLayer, digest: l.diffId, size: l.size })),
  };
}

export function ociLayoutPlan(images: readonly ArchiveImage[]): PlanEntry[] {
  const blobs = new Map<string, PlanEntry>();
  const index: Index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
  const dockerManifest: DockerArchiveManifestEntry[] = [];
  for (const img of images) {
    const manifest = Buffer.from(goJson(ociManifestOf(img)));
    const mDigest = digestOf(manifest);
    blobs.set(hexOf(mDigest), { name: `blobs/sha256/${hexOf(mDigest)}`, kind: 'file', data: manifest, mtime: img.mtime });
    blobs.set(hexOf(img.id), { name: `blobs/sha256/${hexOf(img.id)}`, kind: 'file', data: img.config, mtime: img.mtime });
    for (const l of img.layers) {
      blobs.set(hexOf(l.diffId), {
        name: `blobs/sha256/${hexOf(l.diffId)}`, kind: 'layer', chainId: l.chainId, diffId: l.diffId, size: l.size, mtime: img.mtime,
      });
    }
    const desc: Descriptor = { mediaType: MediaType.ociManifest, digest: mDigest, size: manifest.length };
    const tagged = img.refs.filter((r) => r.tag !== undefined);
    if (tagged.length === 0) index.manifests.push(desc);
    for (const r of tagged) {
      index.manifests.push({
        ...desc,
        annotations: { [Annotation.containerdName]: referenceString(r), [Annotation.refName]: r.tag! },
      });
    }
    const tags = repoTagsOf(img.refs);
    dockerManifest.push({
      Config: `blobs/sha256/${hexOf(img.id)}`,
      RepoTags: tags.length ? tags : null,
      Layers: img.layers.map((l) => `blobs/sha256/${hexOf(l.diffId)}`),
    });
  }
  const out: PlanEntry[] = [
    { name: 'blobs/', kind: 'dir', mtime: 0 },
    { name: 'blobs/sha256/', kind: 'dir', mtime: 0 },
  ];
  for (const k of [...blobs.keys()].sort()) out.push(blobs.get(k)!);
  out.push({ name: 'index.json', kind: 'file', data: Buffer.from(goJson(index)), mtime: 0 });
  out.push({ name: 'manifest.json', kind: 'file', data: Buffer.from(goJson(dockerManifest)), mtime: 0 });
  out.push({ name: 'oci-layout', kind: 'file', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}'), mtime: 0 });
  return out;
}

/** The repository name an OCI index entry names, from its annotations; undefined if none. */
export function refFromAnnotations(a: Record<string, string> | undefined): Reference | undefined {
  if (!a) return undefined;
  const full = a[Annotation.containerdName];
  try {
    if (full) return parseNormalizedNamed(full);
    const ref = a[Annotation.refName];
    // A ref.name that is a whole reference (not just a tag) names the image too.
    if (ref && /[/:@]/.test(ref)) return parseNormalizedNamed(ref);
  } catch {
    return undefined;
  }
  return undefined;
}
