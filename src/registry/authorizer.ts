/**
 * @module registry/authorizer
 * Authorization for one endpoint and one set of credentials, as Docker's client does it:
 * requests go out anonymously until the registry answers 401 with a `WWW-Authenticate`
 * challenge; then a bearer token is fetched from the challenge's realm for the scopes needed
 * (with the credentials as basic auth, or an identity token as an OAuth refresh token, or
 * anonymously), or basic auth is sent. Tokens are kept per scope set until they expire.
 */
import { Unauthorized } from '../errdefs/index.js';
import { parseChallenges, type Challenge } from './auth-header.js';
import { registryErrorText } from './errors.js';
import type { Endpoint } from './hosts.js';
import { readAll, type Response, type Transport } from './transport.js';
import type { AuthConfig } from './types.js';

interface Token {
  value: string;
  expires: number;
}

export class Authorizer {
  readonly #transport: Transport;
  readonly #ep: Endpoint;
  readonly #creds: AuthConfig | undefined;
  readonly #scopes = new Set<string>();
  #challenge: Challenge | undefined;
  #token: Token | undefined;

  constructor(transport: Transport, ep: Endpoint, creds: AuthConfig | undefined, scopes: string[]) {
    this.#transport = transport;
    this.#ep = ep;
    this.#creds = creds && (creds.username || creds.password || creds.identitytoken || creds.registrytoken || creds.auth) ? decodeAuth(creds) : undefined;
    for (const s of scopes) this.#scopes.add(s);
  }

  get hasCredentials(): boolean {
    return this.#creds !== undefined;
  }

  /** Whether the registry asked for basic auth and there are no credentials to send. */
  get lacksBasicCredentials(): boolean {
    return this.#challenge?.scheme === 'basic' && !this.#creds?.username;
  }

  /** Adds a scope (a cross-repository mount needs pull on the source); the next request fetches a new token. */
  addScope(scope: string): void {
    if (this.#scopes.has(scope)) return;
    this.#scopes.add(scope);
    this.#token = undefined;
  }

  /** The Authorization header to send now, fetching a token when the challenge asks for one. */
  async headers(): Promise<Record<string, string>> {
    const c = this.#challenge;
    if (!c) {
      if (this.#creds?.registrytoken) return { Authorization: `Bearer ${this.#creds.registrytoken}` };
      return {};
    }
    if (c.scheme === 'basic') {
      if (!this.#creds?.username) return {};
      return { Authorization: `Basic ${Buffer.from(`${this.#creds.username}:${this.#creds.password ?? ''}`).toString('base64')}` };
    }
    if (c.scheme === 'bearer') {
      if (this.#creds?.registrytoken) return { Authorization: `Bearer ${this.#creds.registrytoken}` };
      if (!this.#token || this.#token.expires < Date.now()) this.#token = await this.#fetchToken(c);
      return { Authorization: `Bearer ${this.#token.value}` };
    }
    return {};
  }

  /**
   * Takes a 401 answer: remembers its challenge. Returns true when a retry with new
   * credentials can succeed (a new challenge, or a token that did not carry the needed scope).
   */
  async unauthorized(res: Response): Promise<boolean> {
    const header = res.headers['www-authenticate'];
    const challenges = parseChallenges(Array.isArray(header) ? header.join(', ') : header ?? '');
    const c = challenges.find((x) => x.scheme === 'bearer') ?? challenges.find((x) => x.scheme === 'basic');
    if (!c) return false;
    const before = this.#challenge;
    const hadToken = this.#token !== undefined;
    this.#challenge = c;
    if (c.scheme === 'bearer' && c.params.scope) for (const s of c.params.scope.split(' ')) this.#scopes.add(s);
    if (!before || before.scheme !== c.scheme) return c.scheme === 'bearer' || this.#creds?.username !== undefined;
    if (c.scheme === 'bearer' && hadToken && c.params.error !== 'invalid_token') {
      // The registry wants a scope the token lacks (an insufficient_scope error): one more try.
      const lacking = c.params.scope !== undefined && !this.#tokenScopes.has(c.params.scope);
      this.#token = undefined;
      return lacking;
    }
    return false;
  }

  #tokenScopes = new Set<string>();

  async #fetchToken(c: Challenge): Promise<Token> {
    const realm = c.params.realm;
    if (!realm) throw new Unauthorized('unauthorized: the registry sent a bearer challenge without a realm');
    const url = new URL(realm);
    const scopes = [...this.#scopes];
    const creds = this.#creds;
    let res: Response;
    if (creds?.identitytoken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identitytoken, client_id: 'docker', access_type: 'offline' });
      if (c.params.service) form.set('service', c.params.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.#transport.request(this.#ep, url.href, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(form.toString()),
      });
    } else {
      if (c.params.service) url.searchParams.set('service', c.params.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (creds?.username) url.searchParams.set('account', creds.username);
      const headers: Record<string, string> = {};
      if (creds?.username) headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
      res = await this.#transport.request(this.#ep, url.href, { method: 'GET', headers });
    }
    const body = await readAll(res, 1 << 20);
    if (res.status !== 200) {
      const text = registryErrorText(res.status, body);
      throw new Unauthorized(res.status === 401 ? text : `unauthorized: token request to ${url.origin}${url.pathname} failed: ${res.status}: ${text}`);
    }
    let parsed: { token?: string; access_token?: string; expires_in?: number };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch (e) {
      throw new Unauthorized(`unauthorized: the token server at ${url.origin} sent no valid JSON`, { cause: e });
    }
    const value = parsed.token ?? parsed.access_token;
    if (!value) throw new Unauthorized(`unauthorized: the token server at ${url.origin} sent no token`);
    this.#tokenScopes = new Set(scopes);
    const ttl = Math.max(60, parsed.expires_in ?? 60);
    return { value, expires: Date.now() + (ttl - 10) * 1000 };
  }
}

/** Fills username/password from the `auth` field (base64 `user:pass`) when only it is given. */
export function decodeAuth(a: AuthConfig): AuthConfig {
  if (a.username || !a.auth) return a;
  const s = Buffer.from(a.auth, 'base64').toString('utf8');
  const i = s.indexOf(':');
  return i < 0 ? a : { ...a, username: s.slice(0, i), password: s.slice(i + 1) };
}
