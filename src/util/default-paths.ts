/**
 * @module util/default-paths
 * Where berth lives by default, shared by berthd (its defaults) and the CLI (the socket it tries
 * and the daemon it starts): BERTH_DATA_ROOT, BERTH_EXEC_ROOT, else /var/lib/berth and /run/berth.
 */

export function defaultDataRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_DATA_ROOT || '/var/lib/berth';
}
export function defaultExecRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_EXEC_ROOT || '/run/berth';
}
export function defaultHost(env: NodeJS.ProcessEnv = process.env): string {
  return `unix://${defaultExecRoot(env)}/berth.sock`;
}
