/**
 * @module runtime/shim/launch
 * Starts a berth-shim (native/berth-shim-main.c) for one container process and waits for its
 * report: the process ID once runc has created the process, or runc's error. The shim detaches
 * at once (its first process exits), so berthd holds no child for it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SystemError } from '../../errdefs/index.js';
import { nativeBuildDir } from '../../util/native.js';
import { processCreateError } from '../runc.js';

export const SHIM_BINARY = join(nativeBuildDir, 'berth-shim');

export interface ShimLaunch {
  /** The shim's attach socket. */
  attach: string;
  /** runc's --pid-file (also in runcArgv). */
  pidFile: string;
  exitFile: string;
  /** json-file log; none for execs. */
  log?: string;
  /** Rotation of the log: once it holds maxSize bytes or more, keeping maxFiles files (gzip'd with compress). */
  logRotate?: { maxSize: number; maxFiles: number; compress: boolean };
  /** Attributes written into every log record (`"attrs":{…}`). */
  logAttrs?: Record<string, string>;
  /** runc's --log (also in runcArgv). */
  runcLog: string;
  /** TTY mode: runc's --console-socket (also in runcArgv). */
  console?: string;
  size?: { rows: number; cols: number };
  /** Keep stdin open. */
  stdin: boolean;
  /** Hold output until the first output client attaches (execs that someone will attach to). */
  hold?: boolean;
  shimLog?: string;
  /** `runc … create …` or `runc … exec -d …`. */
  runcArgv: string[];
  /** Which runc step this is, for error messages ("create" or "exec"). */
  step: 'create' | 'exec';
  binary?: string;
}

async function readAllText(s: Readable): Promise<string> {
  let t = '';
  for await (const c of s) t += String(c);
  return t;
}

/** Resolves with the container process's host PID; rejects with the contract's ProcessCreateError (or a subclass) when runc failed. */
export async function launchShim(o: ShimLaunch): Promise<number> {
  const args = ['--attach', o.attach, '--pid-file', o.pidFile, '--exit-file', o.exitFile, '--runc-log', o.runcLog, '--sync-fd', '3'];
  if (o.log) args.push('--log', o.log);
  if (o.log && o.logRotate) {
    args.push('--log-max-size', String(o.logRotate.maxSize), '--log-max-file', String(o.logRotate.maxFiles));
    if (o.logRotate.compress) args.push('--log-compress');
  }
  if (o.log && o.logAttrs && Object.keys(o.logAttrs).length) {
    // Go's encoding/json writes map keys sorted; the shim inserts the object as given.
    const sorted = Object.fromEntries(Object.entries(o.logAttrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    args.push('--log-attrs', JSON.stringify(sorted));
  }
  if (o.console) args.push('--console', o.console);
  if (o.console && o.size && o.size.rows > 0 && o.size.cols > 0) args.push('--size', `${o.size.rows}:${o.size.cols}`);
  if (o.stdin) args.push('--stdin');
  if (o.hold) args.push('--hold');
  if (o.shimLog) args.push('--shim-log', o.shimLog);
  args.push('--', ...o.runcArgv);
  const child = spawn(o.binary ?? SHIM_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], detached: true });
  child.unref();
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e) => reject(new SystemError(`starting the container monitor ${o.binary ?? SHIM_BINARY}: ${e.message}`, { cause: e }))),
  );
  const sync = child.stdio[3] as Readable;
  const stderr = child.stderr!;
  const [report, errText] = await Promise.race([Promise.all([readAllText(sync), readAllText(stderr)]), spawnError]);
  const line = report.split('\n')[0] ?? '';
  if (line.startsWith('ok ')) {
    const pid = Number(line.slice(3));
    if (Number.isInteger(pid) && pid > 0) return pid;
  }
  if (line.startsWith('err ')) throw processCreateError(o.step, line.slice(4));
  throw new SystemError(`the container monitor failed before reporting: ${errText.trim() || 'no output'}`);
}
