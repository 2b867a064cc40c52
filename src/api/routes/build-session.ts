/**
 * @module api/routes/build-session
 * berth's additions to POST /build for `RUN --mount=type=secret|ssh` and `--security=insecure`
 * (the docker CLI never sends them; its legacy builder has no session):
 * - header `X-Berth-Build-Secrets`: base64 JSON of id → base64 content;
 * - query `ssh`: JSON of id → agent socket paths on the daemon's host;
 * - query `allow` (repeated): entitlements (`security.insecure`, `network.host`).
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { Ctx } from '../context.js';
import { s } from '../schema.js';

export function buildSecretsOf(header: string | undefined): Record<string, Buffer> {
  if (!header) return {};
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch (e) {
    throw new InvalidArgument('error reading build secrets: not base64 JSON', { cause: e });
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgument('error reading build secrets: not a JSON object');
  const out: Record<string, Buffer> = {};
  for (const [id, data] of Object.entries(v as Record<string, unknown>)) {
    if (typeof data !== 'string') throw new InvalidArgument(`error reading build secrets: secret ${id} is not a base64 string`);
    out[id] = Buffer.from(data, 'base64');
  }
  return out;
}

/** The session options of a /build request (empty ones left out). */
export function buildSessionOf(ctx: Ctx): { secrets?: Record<string, Buffer>; ssh?: Record<string, string[]>; allow?: string[] } {
  const secrets = buildSecretsOf(ctx.header('x-berth-build-secrets'));
  let ssh: Record<string, string[]> | undefined;
  try {
    ssh = ctx.query.json<Record<string, string[]>>('ssh', s.map(s.array(s.string())));
  } catch (e) {
    throw new InvalidArgument(`error reading ssh: ${(e as Error).message}`, { cause: e });
  }
  const allow = ctx.query.all('allow');
  return {
    ...(Object.keys(secrets).length ? { secrets } : {}),
    ...(ssh && Object.keys(ssh).length ? { ssh } : {}),
    ...(allow.length ? { allow } : {}),
  };
}
