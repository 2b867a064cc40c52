/**
 * @module dockerfile/instructions/command-line
 * The instructions that carry a command: CMD, ENTRYPOINT and SHELL (RUN is in run.ts,
 * HEALTHCHECK in healthcheck.ts). Shell form is one string run through the SHELL; exec form is
 * the JSON array as given. SHELL must be exec form.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { Node } from '../parser/node.js';
import { atLeastOne, base } from './base.js';
import { InstructionFlags } from './flags.js';
import type { CmdCommand, CommandLine, EntrypointCommand, ShellCommand } from './types.js';

/** The command line of a node: exec form as is, shell form as one string. */
export function commandLine(node: Node, args: readonly string[] = node.args): CommandLine {
  if (node.json) return { prependShell: false, cmdLine: [...args] };
  return { prependShell: true, cmdLine: args.length ? [args.join(' ')] : [] };
}

export function parseCmd(node: Node, file: string): CmdCommand {
  new InstructionFlags(node.flags, {});
  return { kind: 'CMD', ...base(node, file), ...commandLine(node) };
}

export function parseEntrypoint(node: Node, file: string): EntrypointCommand {
  new InstructionFlags(node.flags, {});
  return { kind: 'ENTRYPOINT', ...base(node, file), ...commandLine(node) };
}

export function parseShell(node: Node, file: string): ShellCommand {
  new InstructionFlags(node.flags, {});
  if (node.args.length === 0) throw atLeastOne('SHELL');
  if (!node.json) throw new InvalidArgument('SHELL requires the arguments to be in JSON form');
  return { kind: 'SHELL', ...base(node, file), prependShell: false, cmdLine: [...node.args], shell: [...node.args] };
}
