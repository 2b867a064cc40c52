/**
 * @module bench/repeat
 * Times a command that takes milliseconds as a user's shell runs it: `sh` runs it N times in a
 * loop with its output to /dev/null and takes the time around the loop. Spawned one by one from
 * Node.js, each run would also pay for Node's child-process machinery (pipes, its fork of a big
 * process: 1.6 ms for /bin/true here, against 0.4 ms from sh), the same for every CLI, which
 * blurs the difference between fast ones.
 */
import { run } from '../test/helpers/daemon.js';

const LOOP = 'n=$1; shift; s=$(date +%s%N); i=0; while [ $i -lt $n ]; do "$@" >/dev/null || exit 1; i=$((i+1)); done; e=$(date +%s%N); echo $((e - s))';

/** Runs `cmd args` `n` times in a shell loop; resolves with the mean time of one run, in ms. */
export async function repeatTimed(cmd: string, args: string[], n: number, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const r = await run('sh', ['-c', LOOP, 'sh', String(n), cmd, ...args], { env, timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`);
  return Number(r.stdout.trim()) / n / 1e6;
}
