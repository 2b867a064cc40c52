/**
 * @module api/version
 * Engine API versions in request paths. The versions berth speaks are in util/version.ts
 * (the engine reports them too); dockerode and testcontainers use unversioned paths.
 */

/** Compares dotted versions numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Splits `/v1.41/images/json` into its version and the rest; unversioned paths get the default. */
export function splitVersion(path: string): { version: string | undefined; path: string } {
  const m = /^\/v(\d+(?:\.\d+)*)(\/.*)?$/.exec(path);
  if (!m) return { version: undefined, path };
  return { version: m[1], path: m[2] ?? '/' };
}
