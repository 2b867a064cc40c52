/**
 * @module builder/limits
 * The bounds a build's input is held to, each failing with a clear error (README "Limits").
 * Docker's own: a Dockerfile line of at most 65,535 bytes (dockerfile/parser) and a bounded
 * layer depth (store/layers MAX_LAYER_DEPTH; Docker stops at 125, berth at overlayfs's
 * 500 less the container's init layer). berth adds bounds on what it reads into memory or
 * onto disk for one build: the Dockerfile, the context, a remote context.
 */

/** Largest Dockerfile read (it is held in memory and parsed whole). */
export const MAX_DOCKERFILE_BYTES = 10 * 1024 * 1024;

/** Largest build context, as tar bytes received (it is extracted under the data root). */
export const MAX_CONTEXT_BYTES = 32 * 1024 * 1024 * 1024;

/** Largest remote context or Dockerfile downloaded by URL (held in memory). */
export const MAX_REMOTE_CONTEXT_BYTES = 1024 * 1024 * 1024;

/** `n` bytes for an error message: "10 MiB". */
export function formatLimit(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n} ${units[i]}`;
}
