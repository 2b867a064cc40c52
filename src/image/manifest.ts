/**
 * @module image/manifest
 * OCI and Docker distribution manifests, indexes and descriptors (types, media types, and
 * checked parsing), and platform matching for multi-platform indexes.
 */
import { DataLoss } from '../errdefs/index.js';
import { isDigest, type Digest } from './digest.js';

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  urls?: string[];
}

export interface Manifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface Index {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** Annotation names used in OCI layouts. */
export const Annotation = {
  refName: 'org.opencontainers.image.ref.name',
  containerdName: 'io.containerd.image.name',
} as const;

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new DataLoss(`invalid ${what}: ${(e as Error).message}`, { cause: e });
  }
}

function checkDescriptor(d: unknown, what: string): Descriptor {
  const x = d as Descriptor;
  if (!x || typeof x !== 'object' || typeof x.mediaType !== 'string' || !isDigest(String(x.digest)) || !Number.isSafeInteger(x.size) || x.size < 0) {
    throw new DataLoss(`invalid ${what}: bad descriptor ${JSON.stringify(d)}`);
  }
  return x;
}

export function isIndexMediaType(t: string | undefined): boolean {
  return t === MediaType.ociIndex || t === MediaType.dockerManifestList;
}

export function isManifestMediaType(t: string | undefined): boolean {
  return t === MediaType.ociManifest || t === MediaType.dockerManifest;
}

/** Parses an image manifest (OCI or Docker v2 schema 2). */
export function parseManifest(bytes: Uint8Array): Manifest {
  const m = parseJson(bytes, 'manifest') as Manifest;
  if (!m || m.schemaVersion !== 2 || !m.config || !Array.isArray(m.layers)) throw new DataLoss('invalid manifest: not a schema 2 image manifest');
  checkDescriptor(m.config, 'manifest config');
  m.layers.forEach((l) => checkDescriptor(l, 'manifest layer'));
  return m;
}

/** Parses an index (OCI image index or Docker manifest list). */
export function parseIndex(bytes: Uint8Array): Index {
  const ix = parseJson(bytes, 'index') as Index;
  if (!ix || ix.schemaVersion !== 2 || !Array.isArray(ix.manifests)) throw new DataLoss('invalid index: not a schema 2 image index');
  ix.manifests.forEach((d) => checkDescriptor(d, 'index entry'));
  return ix;
}

/** Go's GOARCH for Node's arch names. */
export function goArchOf(a: string): string {
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

/** The platform this daemon runs containers for. */
export function hostPlatform(): Platform {
  const architecture = goArchOf(process.arch);
  return architecture === 'arm64' ? { architecture, os: 'linux', variant: 'v8' } : { architecture, os: 'linux' };
}

/** Whether a descriptor's platform is runnable on `want` (no platform means any). */
export function platformMatches(p: Platform | undefined, want: Platform): boolean {
  if (!p) return true;
  if (p.os !== want.os || p.architecture !== want.architecture) return false;
  if (want.variant && p.variant && p.variant !== want.variant) return false;
  return true;
}
