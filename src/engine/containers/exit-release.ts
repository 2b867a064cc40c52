/**
 * @module engine/containers/exit-release
 * The release that follows each exit (its network, with the `disconnect` and `unmount` events),
 * for those that must come after it: a removal's `destroy`, and a wait that finds the container
 * stopped already (dockerd answers it only once the exit is cleaned up).
 */
import type { ContainerRecord } from './record.js';

const releases = new WeakMap<ContainerRecord, Promise<void>>();

/** The exit of `rec` releases with `release`. */
export function trackRelease(rec: ContainerRecord, release: Promise<void>): void {
  releases.set(rec, release);
}

/** Resolves once the release of the last exit of `rec` is done (at once if there is none). */
export function released(rec: ContainerRecord): Promise<void> {
  return releases.get(rec) ?? Promise.resolve();
}
