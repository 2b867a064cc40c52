/**
 * @module dockerfile/instructions/parse
 * Syntax node → typed instruction. A table maps each keyword to its family's parser, so a new
 * instruction is one row. Errors are LocationErrors in dockerd 20.10's words
 * (`dockerfile parse error line 7: unknown instruction: COPPY`).
 */
import { InvalidArgument, LocationError } from '../../errdefs/index.js';
import { instructionError, reasonOf } from '../errors.js';
import type { Node } from '../parser/node.js';
import { parse } from '../parser/parser.js';
import { parseCmd, parseEntrypoint, parseShell } from './command-line.js';
import { parseAdd, parseCopy } from './copy-add.js';
import { parseExpose } from './expose.js';
import { parseFrom } from './from.js';
import { parseHealthcheck } from './healthcheck.js';
import { parseArg, parseEnv, parseLabel } from './key-value.js';
import { parseOnbuild } from './onbuild.js';
import { parseRun } from './run.js';
import { parseMaintainer, parseStopSignal, parseUser, parseVolume, parseWorkdir } from './simple.js';
import type { Command, StageCommand } from './types.js';

type InstructionParser = (node: Node, file: string) => Command;

const parsers: Readonly<Record<string, InstructionParser>> = {
  add: parseAdd,
  arg: parseArg,
  cmd: parseCmd,
  copy: parseCopy,
  entrypoint: parseEntrypoint,
  env: parseEnv,
  expose: parseExpose,
  from: parseFrom,
  healthcheck: parseHealthcheck,
  label: parseLabel,
  maintainer: parseMaintainer,
  onbuild: parseOnbuild,
  run: parseRun,
  shell: parseShell,
  stopsignal: parseStopSignal,
  user: parseUser,
  volume: parseVolume,
  workdir: parseWorkdir,
};

/** One node → its typed instruction. `file` names the Dockerfile in errors and locations. */
export function parseInstruction(node: Node, file = 'Dockerfile'): Command {
  const parser = Object.hasOwn(parsers, node.keyword.toLowerCase()) ? parsers[node.keyword.toLowerCase()] : undefined;
  try {
    if (!parser) throw new InvalidArgument(`unknown instruction: ${node.keyword}`);
    return parser(node, file);
  } catch (e) {
    if (e instanceof InvalidArgument && !(e instanceof LocationError)) {
      throw instructionError(reasonOf(e), file, node.startLine, node.endLine, e);
    }
    throw e;
  }
}

/**
 * Parses an ONBUILD trigger (`OnbuildCommand.expression`) when it fires in a child build. The
 * command's location is `location` (Docker reports triggers at the child's FROM line).
 */
export function parseTrigger(
  expression: string,
  location: { file: string; startLine: number; endLine: number },
): StageCommand {
  let ast;
  try {
    ast = parse(expression, location.file);
  } catch (e) {
    throw instructionError(reasonOf(e), location.file, location.startLine, location.endLine, e);
  }
  if (ast.children.length !== 1) {
    throw instructionError('onbuild trigger should be a single expression', location.file, location.startLine, location.endLine);
  }
  const node = { ...ast.children[0]!, startLine: location.startLine, endLine: location.endLine };
  const cmd = parseInstruction(node, location.file);
  if (cmd.kind === 'FROM') {
    throw instructionError("FROM isn't allowed as an ONBUILD trigger", location.file, location.startLine, location.endLine);
  }
  return cmd;
}
