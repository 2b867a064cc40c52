/**
 * @module dockerfile/instructions/run
 * RUN: its command (shell or exec form), heredoc scripts, and the flags `--mount` (see
 * run-mount.ts), `--network` (default, none, host) and `--security` (sandbox, insecure).
 *
 * `runScript` tells the builder what a RUN with heredocs executes, as BuildKit does: a single
 * heredoc as the whole command runs its body as the script (through the shell, or as an
 * executable file when it starts with `#!`); otherwise the heredocs are put back after the
 * command line for the shell to read.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { parseHeredocMarker } from '../parser/heredoc.js';
import type { Node } from '../parser/node.js';
import { base, inlineFile } from './base.js';
import { commandLine } from './command-line.js';
import { InstructionFlags } from './flags.js';
import { parseMount } from './run-mount.js';
import type { InlineFile, RunCommand } from './types.js';

const networks = ['default', 'none', 'host'] as const;
const securities = ['sandbox', 'insecure'] as const;

export function parseRun(node: Node, file: string): RunCommand {
  const flags = new InstructionFlags(node.flags, { mount: 'strings', network: 'string', security: 'string' });
  const network = flags.string('network') ?? 'default';
  if (!(networks as readonly string[]).includes(network)) throw new InvalidArgument(`invalid network mode ${JSON.stringify(network)}`);
  const security = flags.string('security') ?? 'sandbox';
  if (!(securities as readonly string[]).includes(security)) throw new InvalidArgument(`security ${JSON.stringify(security)} is not valid`);
  const mountSpecs = flags.strings('mount');
  // Docker checks mount options when the step runs (expandCommand parses them strictly); here
  // only the CSV syntax and variables in `from` are errors.
  const mounts = mountSpecs.map((spec) => parseMount(spec, { lenient: true }));
  return {
    kind: 'RUN',
    ...base(node, file),
    ...commandLine(node),
    files: node.heredocs.map(inlineFile),
    mountSpecs,
    mounts,
    network: network as RunCommand['network'],
    security: security as RunCommand['security'],
  };
}

/** What a RUN executes once its heredocs are resolved. */
export interface RunScript {
  /** The command line to run (through the shell when `prependShell`). */
  cmdLine: string[];
  prependShell: boolean;
  /**
   * A script to write as an executable file (mode 0755) at `/dev/pipes/<name>` before running
   * `cmdLine` (which runs that path through the shell): `RUN <<EOF` whose body starts with `#!`.
   */
  executable?: InlineFile;
}

/** Resolves a RUN's heredocs into the command to execute (BuildKit's rules). */
export function runScript(run: Pick<RunCommand, 'cmdLine' | 'prependShell' | 'files'>): RunScript {
  if (run.files.length === 0) return { cmdLine: run.cmdLine, prependShell: run.prependShell };
  if (run.cmdLine.length !== 1 || !run.prependShell) {
    throw new InvalidArgument(`parsing produced an invalid run command: [${run.cmdLine.join(' ')}]`);
  }
  let marker;
  try {
    marker = parseHeredocMarker(run.cmdLine[0]!);
  } catch {
    marker = undefined;
  }
  const first = run.files[0]!;
  if (marker) {
    if (first.data.startsWith('#!')) return { cmdLine: [`/dev/pipes/${first.name}`], prependShell: true, executable: first };
    return { cmdLine: [first.data], prependShell: true };
  }
  let script = run.cmdLine[0]!;
  for (const f of run.files) script += '\n' + f.raw + f.name;
  return { cmdLine: [script], prependShell: true };
}
