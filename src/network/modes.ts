/**
 * @module network/modes
 * Docker's built-in network modes: the names a container's `NetworkMode` and a build's RUN
 * (`--network`) may give without a network of that name existing. `''` and `default` mean
 * the daemon's default (`bridge`).
 */

export const BUILTIN_NETWORK_MODES: readonly string[] = ['', 'default', 'bridge', 'none', 'host'];

/** Whether `mode` is one of {@link BUILTIN_NETWORK_MODES}. */
export function isBuiltinNetworkMode(mode: string): boolean {
  return BUILTIN_NETWORK_MODES.includes(mode);
}
