/**
 * @module registry/types
 * The OCI distribution client's contracts.
 *
 * Terms:
 * - *host*: a registry's `host[:port]` as references name it (`docker.io`, `127.0.0.1:5000`).
 * - *endpoint*: a base URL the client actually talks to for a host (`https://registry-1.docker.io`,
 *   a mirror, `http://127.0.0.1:5000`). docker.io has its mirrors first, then Docker Hub.
 * - *repository*: a path within a host (`library/busybox`).
 * - *credentials*: what `X-Registry-Auth` carries (Docker's AuthConfig), for one host.
 * - *scope*: a bearer-token scope, `repository:library/busybox:pull,push`.
 *
 * Lifecycle: a {@link RegistryClient} lives as long as the daemon (it keeps TCP connections
 * and the scheme it found for insecure hosts); a {@link Repository} is made per pull or push
 * and keeps the tokens of that operation.
 */
import type { Digest } from '../image/digest.js';
import type { Descriptor } from '../image/manifest.js';

/** Docker's AuthConfig (the JSON inside `X-Registry-Auth` and the body of POST /auth). */
export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** Daemon settings for registries (flags and daemon.json). */
export interface RegistryOptions {
  /** `host[:port]` names or CIDRs reachable over plain HTTP (and TLS without verification). */
  insecureRegistries: string[];
  /** Mirror base URLs for docker.io, tried in order before Docker Hub. */
  mirrors: string[];
  /** Docker's certs.d layout: `<certsDir>/<host[:port]>/ca.crt` (default /etc/berth/certs.d). */
  certsDir: string;
  /** Parallel layer downloads (Docker: 3) and uploads (Docker: 5). */
  maxDownloads: number;
  maxUploads: number;
  /** Upload blobs larger than this in chunks of this size with PATCH + Content-Range (0 = one streamed PATCH). */
  chunkSize: number;
}

export const defaultRegistryOptions: RegistryOptions = {
  insecureRegistries: [],
  mirrors: [],
  certsDir: '/etc/berth/certs.d',
  maxDownloads: 3,
  maxUploads: 5,
  chunkSize: 0,
};

/** A manifest or index as fetched: bytes verified against its digest. */
export interface FetchedManifest {
  mediaType: string;
  digest: Digest;
  bytes: Buffer;
}

/** A blob being read from a registry; resumes with `Range` after a dropped connection. */
export interface BlobStream {
  /** Total size (from the descriptor or Content-Length). */
  readonly size: number;
  /** The bytes, verified against the digest at the end (DataLoss when they do not match) unless told not to. */
  readonly body: AsyncIterable<Buffer>;
}

/** The operations on one repository of one registry. */
export interface Repository {
  /** `host/path` as Docker names it in messages (`docker.io/library/busybox`). */
  readonly name: string;
  readonly host: string;
  readonly path: string;
  /** GET /v2/ (any answer will do): a registry that does not answer fails as dockerd's ping does. */
  ping(): Promise<void>;
  /** GET a manifest by tag or digest; verified against the digest when asked by digest. */
  getManifest(tagOrDigest: string): Promise<FetchedManifest>;
  /** The repository's tags (`GET /v2/NAME/tags/list`, following `Link` pages). */
  tags(): Promise<string[]>;
  /** HEAD a manifest: its digest, or undefined when the registry does not have it. */
  headManifest(tagOrDigest: string): Promise<{ digest: Digest; mediaType: string; size: number } | undefined>;
  putManifest(tagOrDigest: string, mediaType: string, bytes: Buffer): Promise<Digest>;
  /** Whether the repository has the blob (HEAD); its size when it does. */
  statBlob(digest: Digest): Promise<number | undefined>;
  /** Reads a blob, resuming with `Range` when the connection drops. */
  /**
   * A blob, resumed with `Range` when cut off. `verify: false` leaves the digest check to the
   * caller (who hashes the bytes anyway), so they are hashed once.
   */
  openBlob(desc: Pick<Descriptor, 'digest' | 'size'>, opts?: { signal?: AbortSignal; verify?: boolean }): BlobStream;
  /** A whole small blob (configs), verified. */
  readBlob(desc: Pick<Descriptor, 'digest' | 'size'>): Promise<Buffer>;
  /** Cross-repository mount: true when the registry mounted it, false when it wants an upload. */
  mountBlob(digest: Digest, fromRepo: string): Promise<boolean>;
  /**
   * Uploads a blob. `source` is called again for a retry (it must give the same bytes).
   * Returns the digest and size of what was sent; `expected` is checked when given.
   */
  uploadBlob(source: () => AsyncIterable<Buffer>, opts?: { expected?: Digest; size?: number; onProgress?: (n: number) => void }): Promise<{ digest: Digest; size: number }>;
}

/** The client for every registry the daemon talks to. */
export interface RegistryClient {
  /** A repository on a host (docker.io goes to its mirrors, then Docker Hub). */
  repository(host: string, path: string, auth: AuthConfig | undefined, actions: ('pull' | 'push')[]): Repository;
  /** Checks credentials against `/v2/` as `docker login` does; returns an identity token if the registry gave one. */
  login(auth: AuthConfig): Promise<{ status: string; identityToken?: string }>;
  close(): void;
}
