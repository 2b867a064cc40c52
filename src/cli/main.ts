#!/usr/bin/env node
/**
 * @module cli/main
 * `berth` in a process of its own: runs one command on this process's stdio, directory and
 * environment, then exits with its status. (dist/native/berth, the launcher users run, prefers a warm
 * CLI host, cli/host, and falls back to this.)
 */
import { runCli } from './cli.js';

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
  onSignals(signals, handler) {
    for (const s of signals) process.on(s, handler);
    return () => {
      for (const s of signals) process.off(s, handler);
    };
  },
});
// Let pending writes to pipes drain before exiting.
process.stdout.write('', () => process.exit(code));
