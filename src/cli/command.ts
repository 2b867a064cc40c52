/**
 * @module cli/command
 * What a berth command is: docker's grammar (`berth [global options] COMMAND [options] ARGS`),
 * its help text, its flags, argument-count rules, and a `run` that gets a context with the API
 * client. Management commands (`berth image ls`) are commands with subcommands.
 */
import type { Agent } from 'node:http';
import type { Client } from '../client/client.js';
import { BerthError } from '../errdefs/index.js';
import type { FlagSpec, Flags } from '../util/flags.js';

/** What a command gets from whoever runs it: its caller's stdio, directory, environment, signals. */
export interface CliIO {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  /** The caller's working directory: relative paths on the command line are relative to it. */
  readonly cwd: string;
  /** The caller's environment. */
  readonly env: NodeJS.ProcessEnv;
  /** Calls `handler` when the caller receives one of `signals`; returns the function that stops it. */
  onSignals(signals: NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): () => void;
  /** The API client once connected (the CLI host closes it when the command ends). */
  client?: Promise<Client>;
  /** Connections to the daemon kept open between commands (the CLI host's). */
  readonly agent?: Agent;
}

export interface CliContext extends Omit<CliIO, 'client'> {
  /** `p` made absolute against the caller's working directory. */
  resolve(p: string): string;
  /** The API client; connects on first use, starting berthd when nothing answers at the default socket. */
  client(): Promise<Client>;
  /** Writes to stdout / stderr. */
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  name: string;
  aliases?: string[];
  /** After the command path, e.g. `[OPTIONS] IMAGE [COMMAND] [ARG...]`. */
  usage: string;
  description: string;
  flags?: FlagSpec[];
  /** false: flags end at the first positional argument (run, exec). Default true. */
  interspersed?: boolean;
  /** Argument count rules; the message follows docker's `"docker tag" requires exactly 2 arguments.` */
  args?: { min?: number; max?: number };
  subcommands?: Command[];
  hidden?: boolean;
  /** Returns the exit status (0 when void). */
  run?(ctx: CliContext, args: string[], flags: Flags): Promise<number | void>;
}

/** Ends the command with a given exit status, printing `message` (if any) on stderr. */
export class ExitError extends BerthError {
  readonly status: number;
  constructor(status: number, message = '', options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** The same command under another name (`berth image ls` = `berth images`). */
export function alias(cmd: Command, name: string, aliases: string[] = []): Command {
  return { ...cmd, name, aliases };
}
