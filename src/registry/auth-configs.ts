/**
 * @module registry/auth-configs
 * Credentials for several registries at once, as `POST /build` receives them in
 * `X-Registry-Config` (server address → AuthConfig, the keys of config.json's `auths`), and
 * dockerd's choice of the entry for one registry host: Docker Hub's entry is
 * `https://index.docker.io/v1/`; any other host matches a key equal to it or one naming it
 * with a scheme and path (`http://host:5000/v2/`).
 */
import { DOCKER_HUB_AUTH_SERVER, DOCKER_HUB_HOST } from './hosts.js';
import type { AuthConfig } from './types.js';

export type AuthConfigs = Record<string, AuthConfig>;

/** `https://host:5000/v2/` → `host:5000`. */
function hostOfKey(key: string): string {
  return key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0]!;
}

/** The credentials for registry `host` (as references name it: `docker.io`, `127.0.0.1:5000`), if any. */
export function authConfigFor(configs: AuthConfigs, host: string): AuthConfig | undefined {
  const hub = host === DOCKER_HUB_HOST || host === 'index.docker.io' || host === 'registry-1.docker.io';
  if (hub) return configs[DOCKER_HUB_AUTH_SERVER] ?? Object.entries(configs).find(([k]) => hostOfKey(k) === 'index.docker.io')?.[1];
  if (configs[host]) return configs[host];
  return Object.entries(configs).find(([k]) => hostOfKey(k) === host)?.[1];
}
