/**
 * @module dockerfile/instructions/parse
 * Syntax nodes → typed commands → stages. A dispatch table maps each keyword to its family's
 * parser; errors get the instruction's line (`dockerfile parse error on line 7: …`).
 */
import { InvalidArgument, LocationError } from '../../errdefs/index.js';
import type { Node } from '../parser/node.js';
import { parse } from '../parser/parser.js';
import { parseCopy, parseVolume, parseWorkdir } from './file-family.js';
import {
  parseArg, parseEnv, parseExpose, parseFrom, parseLabel, parseMaintainer, parseOnbuild, parseStopSignal, parseUser,
} from './meta-family.js';
import { parseCmd, parseEntrypoint, parseHealthcheck, parseRun, parseShell } from './run-family.js';
import type { ArgCommand, Command, Dockerfile, Location, Stage } from './types.js';

type CommandParser = (node: Node, location: Location) => Command;

const parsers: Record<string, CommandParser> = {
  from: parseFrom,
  run: parseRun,
  cmd: parseCmd,
  entrypoint: parseEntrypoint,
  shell: parseShell,
  healthcheck: parseHealthcheck,
  env: parseEnv,
  label: parseLabel,
  arg: parseArg,
  copy: parseCopy,
  add: parseCopy,
  expose: parseExpose,
  volume: parseVolume,
  user: parseUser,
  workdir: parseWorkdir,
  stopsignal: parseStopSignal,
  maintainer: parseMaintainer,
  onbuild: parseOnbuild,
};

/** One syntax node → its typed command. */
export function parseCommand(node: Node, file: string): Command {
  const location = { file, startLine: node.startLine, endLine: node.endLine };
  const p = parsers[node.keyword.toLowerCase()];
  try {
    if (!p) throw new InvalidArgument(`unknown instruction: ${node.keyword.toUpperCase()}`);
    return p(node, location);
  } catch (e) {
    if (e instanceof InvalidArgument && !(e instanceof LocationError)) {
      throw new LocationError(`dockerfile parse error on line ${node.startLine}: ${e.message}`, file, node.startLine, node.endLine, { cause: e });
    }
    throw e;
  }
}

/** Parses a Dockerfile into its meta ARGs and stages. */
export function parseDockerfile(text: string, file = 'Dockerfile'): Dockerfile {
  const ast = parse(text, file);
  const metaArgs: ArgCommand[] = [];
  const stages: Stage[] = [];
  for (const node of ast.nodes) {
    const cmd = parseCommand(node, file);
    if (cmd.kind === 'FROM') {
      stages.push({
        index: stages.length,
        ...(cmd.stageName !== undefined ? { name: cmd.stageName } : {}),
        baseName: cmd.image,
        ...(cmd.platform !== undefined ? { platform: cmd.platform } : {}),
        from: cmd,
        commands: [],
        location: { ...cmd.location },
      });
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current) {
      if (cmd.kind === 'ARG') {
        metaArgs.push(cmd);
        continue;
      }
      throw new LocationError(
        `dockerfile parse error on line ${node.startLine}: no build stage in current context`,
        file,
        node.startLine,
        node.endLine,
      );
    }
    current.commands.push(cmd);
    current.location.endLine = cmd.location.endLine;
  }
  if (stages.length === 0) {
    throw new LocationError('dockerfile parse error: no build stage in current context (a Dockerfile needs a FROM)', file, ast.nodes[0]?.startLine ?? 0);
  }
  return { metaArgs, stages, escape: ast.directives.escape, warnings: ast.warnings };
}

/** The stage a `--target` or `COPY --from` names: a stage name (case-insensitive) or an index. */
export function findStage(df: Dockerfile, ref: string, before = df.stages.length): Stage | undefined {
  const lower = ref.toLowerCase();
  const byName = df.stages.slice(0, before).find((s) => s.name === lower);
  if (byName) return byName;
  if (/^\d+$/.test(ref)) {
    const i = Number(ref);
    if (i < before) return df.stages[i];
  }
  return undefined;
}
