/**
 * @module registry/registry-client
 * The daemon's registry client: endpoints per host (hosts.ts), one shared transport, and
 * `docker login`'s credential check against `/v2/` (a refusal by status is dockerd's plain error,
 * HTTP 500; a refused token request stays a 401, as dockerd's translateV2AuthError).
 */
import { SystemError } from '../errdefs/index.js';
import { Authorizer } from './authorizer.js';
import { endpointsFor, hostOfServerAddress } from './hosts.js';
import { RemoteRepository } from './repository.js';
import { drain, Transport } from './transport.js';
import { defaultRegistryOptions, type AuthConfig, type RegistryClient, type RegistryOptions, type Repository } from './types.js';

export class DefaultRegistryClient implements RegistryClient {
  readonly options: RegistryOptions;
  readonly #transport = new Transport();

  constructor(options: Partial<RegistryOptions> = {}) {
    this.options = { ...defaultRegistryOptions, ...options };
    // Bad mirror URLs are configuration errors at start-up, not at the first pull.
    endpointsFor('docker.io', this.options);
  }

  repository(host: string, path: string, auth: AuthConfig | undefined, actions: ('pull' | 'push')[]): Repository {
    let endpoints = endpointsFor(host, this.options);
    // Pushes never go to mirrors.
    if (actions.includes('push')) endpoints = endpoints.filter((e) => !e.mirror);
    return new RemoteRepository({ transport: this.#transport, endpoints, chunkSize: this.options.chunkSize }, host, path, auth, actions);
  }

  async login(auth: AuthConfig): Promise<{ status: string; identityToken?: string }> {
    const host = hostOfServerAddress(auth.serveraddress);
    const ep = endpointsFor(host, { ...this.options, mirrors: [] })[0]!;
    const authorizer = new Authorizer(this.#transport, ep, auth, []);
    const first = await this.#transport.request(ep, '/v2/', { method: 'GET' });
    drain(first);
    const url = () => `${this.#transport.baseOf(ep)}/v2/`;
    if (first.status === 200) return { status: 'Login Succeeded' };
    if (first.status !== 401) throw new SystemError(`login attempt to ${url()} failed with status: ${first.status} ${statusText(first.status)}`);
    await authorizer.unauthorized(first);
    // As dockerd, a login without credentials is tried too: a basic-auth registry refuses it
    // with Go's client error, a token registry may hand out an anonymous token.
    if (authorizer.lacksBasicCredentials) throw new SystemError(`Get "${url()}": no basic auth credentials`);
    const res = await this.#transport.request(ep, '/v2/', { method: 'GET', headers: await authorizer.headers() });
    drain(res);
    if (res.status === 200) return { status: 'Login Succeeded' };
    throw new SystemError(`login attempt to ${url()} failed with status: ${res.status} ${statusText(res.status)}`);
  }

  close(): void {
    this.#transport.close();
  }
}

function statusText(s: number): string {
  return ({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' } as Record<number, string>)[s] ?? '';
}
