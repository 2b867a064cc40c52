/**
 * @module registry/repository
 * One repository on one registry: manifests, blobs (downloads resumed with `Range`, every
 * byte verified against its digest), uploads (monolithic, streamed or chunked, and
 * cross-repository mounts). Requests go to the first endpoint that answers a manifest
 * request (mirrors before Docker Hub for pulls); a 401 brings in the {@link Authorizer}.
 */
import { createHash } from 'node:crypto';
import { Cancelled, DataLoss, SystemError, Unauthorized, Unavailable } from '../errdefs/index.js';
import { digestOf, isDigest, type Digest } from '../image/digest.js';
import { MediaType, type Descriptor } from '../image/manifest.js';
import { AsyncSha256 } from '../util/async-sha256.js';
import { logger } from '../util/log.js';
import { Authorizer } from './authorizer.js';
import { registryError } from './errors.js';
import type { Endpoint } from './hosts.js';
import { backoffMs, drain, isRetryableError, readAll, type RequestInit, type Response, type Transport } from './transport.js';
import type { AuthConfig, BlobStream, FetchedManifest, Repository } from './types.js';

const log = logger('registry');

export const MANIFEST_ACCEPT = [
  MediaType.dockerManifestList, MediaType.dockerManifest, MediaType.ociIndex, MediaType.ociManifest,
].join(', ');

const MAX_MANIFEST = 4 << 20;
const RESUME_ATTEMPTS = 8;

export interface RepositoryDeps {
  transport: Transport;
  endpoints: Endpoint[];
  chunkSize: number;
}

export class RemoteRepository implements Repository {
  readonly name: string;
  readonly host: string;
  readonly path: string;
  readonly #d: RepositoryDeps;
  readonly #creds: AuthConfig | undefined;
  readonly #actions: string;
  readonly #auth = new Map<Endpoint, Authorizer>();
  /** The endpoint chosen (the first that answered a manifest request). */
  #ep: Endpoint;

  constructor(deps: RepositoryDeps, host: string, path: string, creds: AuthConfig | undefined, actions: string[]) {
    this.#d = deps;
    this.host = host;
    this.path = path;
    this.name = `${host}/${path}`;
    this.#creds = creds;
    this.#actions = actions.join(',');
    this.#ep = deps.endpoints[deps.endpoints.length - 1]!;
  }

  #authorizer(ep: Endpoint): Authorizer {
    let a = this.#auth.get(ep);
    if (!a) {
      // Credentials for docker.io are never sent to a mirror.
      a = new Authorizer(this.#d.transport, ep, ep.mirror ? undefined : this.#creds, [`repository:${this.path}:${this.#actions}`]);
      this.#auth.set(ep, a);
    }
    return a;
  }

  /** A request to the chosen endpoint (or `ep`), authorized, retried once after a 401. */
  async #req(path: string, init: RequestInit, ep: Endpoint = this.#ep): Promise<Response> {
    const auth = this.#authorizer(ep);
    for (let attempt = 0; ; attempt++) {
      const sent = await auth.headers();
      const res = await this.#d.transport.request(ep, path, { ...init, headers: { ...init.headers, ...sent } });
      if (res.status !== 401 || attempt > 0) return res;
      if (!(await auth.unauthorized(res))) {
        // A request sent at the same time met the same challenge and answered it (the layers of
        // a push start together): once more with the credentials or token it got.
        if ((await auth.headers()).Authorization !== sent.Authorization) {
          drain(res);
          continue;
        }
        if (auth.lacksBasicCredentials) {
          drain(res);
          const verb = init.method.charAt(0) + init.method.slice(1).toLowerCase();
          // Go's url.Error around the auth handler's error (the cause, what a push shows).
          throw new Unauthorized(`${verb} "${res.url.href}": no basic auth credentials`, { cause: new Unauthorized('no basic auth credentials') });
        }
        return res;
      }
      drain(res);
    }
  }

  async #fail(res: Response, prefix = ''): Promise<never> {
    const body = res.body.readable ? await readAll(res, 1 << 20).catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
    throw registryError(res.status, body, prefix);
  }

  async ping(): Promise<void> {
    drain(await this.#d.transport.request(this.#ep, '/v2/', { method: 'GET' }));
  }

  async getManifest(ref: string): Promise<FetchedManifest> {
    const eps = this.#d.endpoints;
    let lastErr: unknown;
    for (const ep of this.#ep.mirror || eps.length === 1 ? [this.#ep, ...eps.filter((e) => e !== this.#ep)] : eps) {
      try {
        const m = await this.#getManifestFrom(ep, ref);
        this.#ep = ep;
        return m;
      } catch (e) {
        lastErr = e;
        if (!ep.mirror) throw e;
        log.info('mirror failed, trying the next endpoint', { mirror: ep.base, error: (e as Error).message });
      }
    }
    throw lastErr;
  }

  async #getManifestFrom(ep: Endpoint, ref: string): Promise<FetchedManifest> {
    const res = await this.#req(`/v2/${this.path}/manifests/${ref}`, { method: 'GET', headers: { Accept: MANIFEST_ACCEPT }, errorPath: '/v2/' }, ep);
    if (res.status === 404) {
      const what = isDigest(ref) ? `${this.name}@${ref}` : `${this.name}:${ref}`;
      await this.#fail(res, `manifest for ${what} not found: `);
    }
    if (res.status !== 200) await this.#fail(res);
    const bytes = await readAll(res, MAX_MANIFEST);
    const digest = digestOf(bytes);
    if (isDigest(ref) && digest !== ref) throw new DataLoss(`manifest verification failed for digest ${ref}`);
    let mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    try {
      const inner = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType;
      if (inner && (!mediaType || mediaType === 'application/json' || mediaType === 'text/plain')) mediaType = inner;
      if (!mediaType || mediaType === 'application/json') mediaType = inner ?? MediaType.ociManifest;
    } catch (e) {
      throw new DataLoss(`invalid manifest from ${this.name}: ${(e as Error).message}`, { cause: e });
    }
    return { mediaType, digest, bytes };
  }

  async tags(): Promise<string[]> {
    const out: string[] = [];
    let next: string | undefined = `/v2/${this.path}/tags/list`;
    for (let page = 0; next && page < 100; page++) {
      const res = await this.#req(next, { method: 'GET' });
      if (res.status !== 200) await this.#fail(res);
      const body = JSON.parse((await readAll(res, 16 << 20)).toString('utf8')) as { tags?: string[] | null };
      out.push(...(body.tags ?? []));
      const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(String(res.headers.link ?? ''));
      next = link ? new URL(link[1]!, res.url).href : undefined;
    }
    return out;
  }

  async headManifest(ref: string): Promise<{ digest: Digest; mediaType: string; size: number } | undefined> {
    const res = await this.#req(`/v2/${this.path}/manifests/${ref}`, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } });
    drain(res);
    if (res.status === 404) return undefined;
    if (res.status !== 200) await this.#fail(res);
    const d = String(res.headers['docker-content-digest'] ?? '');
    if (!isDigest(d)) return undefined;
    return { digest: d, mediaType: String(res.headers['content-type'] ?? ''), size: Number(res.headers['content-length'] ?? 0) };
  }

  async putManifest(ref: string, mediaType: string, bytes: Buffer): Promise<Digest> {
    const res = await this.#req(`/v2/${this.path}/manifests/${ref}`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body: bytes });
    if (res.status !== 201 && res.status !== 200 && res.status !== 202) await this.#fail(res);
    drain(res);
    return digestOf(bytes);
  }

  async statBlob(digest: Digest): Promise<number | undefined> {
    const res = await this.#req(`/v2/${this.path}/blobs/${digest}`, { method: 'HEAD' });
    drain(res);
    if (res.status === 404) return undefined;
    if (res.status !== 200) await this.#fail(res);
    return Number(res.headers['content-length'] ?? 0);
  }

  openBlob(desc: Pick<Descriptor, 'digest' | 'size'>, opts: { signal?: AbortSignal; verify?: boolean } = {}): BlobStream {
    return { size: desc.size, body: this.#blobBody(desc, opts.signal, opts.verify !== false) };
  }

  async *#blobBody(desc: Pick<Descriptor, 'digest' | 'size'>, signal: AbortSignal | undefined, verify: boolean): AsyncGenerator<Buffer> {
    const hash = verify ? createHash('sha256') : undefined;
    let got = 0;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = got > 0 ? { Range: `bytes=${got}-` } : {};
      let res: Response | undefined;
      try {
        res = await this.#req(`/v2/${this.path}/blobs/${desc.digest}`, { method: 'GET', headers, signal });
        if (res.status === 404) await this.#fail(res, `blob ${desc.digest}: `);
        if (res.status !== 200 && res.status !== 206) await this.#fail(res);
        let skip = res.status === 200 ? got : 0;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          let c = chunk;
          if (skip > 0) {
            if (c.length <= skip) {
              skip -= c.length;
              continue;
            }
            c = c.subarray(skip);
            skip = 0;
          }
          got += c.length;
          if (got > desc.size) throw new DataLoss(`blob ${desc.digest} is larger than its ${desc.size} bytes`);
          hash?.update(c);
          yield c;
        }
        if (got < desc.size) throw Object.assign(new Error('unexpected end of blob: connection closed early'), { code: 'ECONNRESET' });
        break;
      } catch (e) {
        res?.body.destroy();
        if (signal?.aborted) throw new Cancelled('download cancelled', { cause: e });
        if (!isRetryableError(e) && !(e instanceof Unavailable) || attempt >= RESUME_ATTEMPTS) throw e;
        log.info('blob download interrupted, resuming', { digest: desc.digest, offset: got, error: (e as Error).message });
        await new Promise((r) => setTimeout(r, backoffMs(attempt + 1)));
      }
    }
    if (hash && `sha256:${hash.digest('hex')}` !== desc.digest) throw new DataLoss(`filesystem layer verification failed for digest ${desc.digest}`);
  }

  async readBlob(desc: Pick<Descriptor, 'digest' | 'size'>): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of this.openBlob(desc).body) chunks.push(c);
    return Buffer.concat(chunks);
  }

  async mountBlob(digest: Digest, fromRepo: string): Promise<boolean> {
    this.#authorizer(this.#ep).addScope(`repository:${fromRepo}:pull`);
    const q = new URLSearchParams({ mount: digest, from: fromRepo });
    const res = await this.#req(`/v2/${this.path}/blobs/uploads/?${q}`, { method: 'POST', headers: { 'Content-Length': '0' } });
    drain(res);
    if (res.status === 201) return true;
    if (res.status === 202) {
      // Not mounted: the registry opened an upload session instead; close it.
      const loc = res.headers.location;
      if (loc) {
        const del = await this.#req(this.#resolve(res, loc), { method: 'DELETE', attempts: 1 }).catch(() => undefined);
        if (del) drain(del);
      }
      return false;
    }
    if (res.status === 401 || res.status === 403 || res.status === 404) return false;
    return this.#fail(res);
  }

  #resolve(res: Response, loc: string): string {
    return new URL(loc, res.url).href;
  }

  async #startUpload(): Promise<{ location: string; res: Response }> {
    const res = await this.#req(`/v2/${this.path}/blobs/uploads/`, { method: 'POST', headers: { 'Content-Length': '0' } });
    drain(res);
    if (res.status !== 202) await this.#fail(res);
    const loc = res.headers.location;
    if (!loc) throw new SystemError(`registry ${this.host} started an upload without a Location`);
    return { location: this.#resolve(res, loc), res };
  }

  async uploadBlob(
    source: () => AsyncIterable<Buffer>,
    opts: { expected?: Digest; size?: number; onProgress?: (n: number) => void } = {},
  ): Promise<{ digest: Digest; size: number }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#uploadOnce(source, opts);
      } catch (e) {
        if (!(isRetryableError(e) || e instanceof Unavailable) || attempt >= 3) throw e;
        log.info('blob upload failed, starting it again', { repo: this.name, error: (e as Error).message });
        await new Promise((r) => setTimeout(r, backoffMs(attempt + 1)));
      }
    }
  }

  async #uploadOnce(
    source: () => AsyncIterable<Buffer>,
    opts: { expected?: Digest; size?: number; onProgress?: (n: number) => void },
  ): Promise<{ digest: Digest; size: number }> {
    let { location } = await this.#startUpload();
    // Hashed on the thread pool while the event loop sends (util/async-sha256).
    let hash = new AsyncSha256();
    let size = 0;
    const chunkSize = this.#d.chunkSize;
    // Starts counting again when called again (a request re-sent after a 401).
    const counted = async function* () {
      hash = new AsyncSha256();
      size = 0;
      for await (const c of source()) {
        hash.update(c);
        size += c.length;
        opts.onProgress?.(size);
        yield c;
        const behind = hash.backlog();
        if (behind) await behind;
      }
    };
    const small = opts.expected !== undefined && opts.size !== undefined && opts.size <= 1 << 20;
    if (small) {
      // Monolithic: one PUT with the whole blob and its digest.
      const chunks: Buffer[] = [];
      for await (const c of counted()) chunks.push(c);
      const res = await this.#req(withDigest(location, opts.expected!), {
        method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.concat(chunks), attempts: 1,
      });
      if (res.status !== 201) await this.#fail(res);
      drain(res);
      return { digest: opts.expected!, size };
    }
    if (chunkSize > 0) {
      let buf: Buffer[] = [];
      let bufLen = 0;
      let offset = 0;
      const flush = async () => {
        const body = Buffer.concat(buf, bufLen);
        const res = await this.#req(location, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${offset + body.length - 1}` },
          body, attempts: 1,
        });
        if (res.status !== 202) await this.#fail(res);
        drain(res);
        if (res.headers.location) location = this.#resolve(res, res.headers.location);
        offset += body.length;
        buf = [];
        bufLen = 0;
      };
      for await (const c of counted()) {
        buf.push(c);
        bufLen += c.length;
        if (bufLen >= chunkSize) await flush();
      }
      if (bufLen > 0) await flush();
    } else {
      // Streamed: the whole blob in one PATCH, hashed as it goes.
      const res = await this.#req(location, { method: 'PATCH', headers: { 'Content-Type': 'application/octet-stream' }, body: counted, attempts: 1 });
      if (res.status !== 202) await this.#fail(res);
      drain(res);
      if (res.headers.location) location = this.#resolve(res, res.headers.location);
    }
    const digest = (await hash.digest()) as Digest;
    if (opts.expected && opts.expected !== digest) throw new DataLoss(`blob changed while uploading: expected ${opts.expected}, sent ${digest}`);
    const res = await this.#req(withDigest(location, digest), { method: 'PUT', headers: { 'Content-Length': '0' }, attempts: 1 });
    if (res.status !== 201) await this.#fail(res);
    drain(res);
    return { digest, size };
  }
}

function withDigest(location: string, digest: Digest): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.href;
}

