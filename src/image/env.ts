/**
 * @module image/env
 * How Docker combines an image's Env with what `run` asks for: at create, Config.Env = the
 * request's variables, then the image's whose names the request does not set (moby's merge).
 * (What the process finally gets at start, PATH, HOSTNAME, TERM and HOME, is the runtime's.)
 */

const keyOf = (e: string) => {
  const i = e.indexOf('=');
  return i < 0 ? e : e.slice(0, i);
};

/** Config.Env at create time. */
export function mergeEnv(request: readonly string[] | null | undefined, image: readonly string[] | null | undefined): string[] | null {
  const req = request ?? [];
  if (req.length === 0) return image ? [...image] : null;
  const keys = new Set(req.map(keyOf));
  return [...req, ...(image ?? []).filter((e) => !keys.has(keyOf(e)))];
}
