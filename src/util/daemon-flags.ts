/**
 * @module util/daemon-flags
 * The Node.js flags berthd runs with, for every launcher (the CLI's auto-start, the test
 * helper; the shebang of daemon/main.ts repeats them). A young generation of 2 MB semi-spaces
 * instead of V8's default of up to 16 MB: the daemon's work is many small short-lived objects
 * (a build of 1,000 ENV steps peaks at ~75 MB instead of ~100 MB resident), at no measurable
 * cost in time. An old generation that starts at 64 MB: V8 counts the memory of Buffers made
 * since the last full collection against the old generation's limit, so with the default
 * (~16 MB for the daemon's ~10 MB heap) a 200 MB pull, which makes ~300 MB of socket and
 * inflated chunks, ran ~25 full collections; with 64 MB it runs ~2, and the pull costs ~25%
 * less CPU (peak resident ~20 MB higher).
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--initial-old-space-size=64'];
