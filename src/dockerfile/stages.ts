/**
 * @module dockerfile/stages
 * A parsed Dockerfile as the builder sees it: the meta ARGs (declared before the first FROM,
 * usable only in FROM lines unless a stage re-declares them) and the stages, each a FROM and
 * the instructions up to the next FROM.
 */
import { stepError } from './errors.js';
import { parseInstruction } from './instructions/parse.js';
import type { ArgCommand, FromCommand, StageCommand } from './instructions/types.js';
import type { Directive, DockerfileAst } from './parser/node.js';
import { parse } from './parser/parser.js';
import type { Location, ParseWarning } from './types.js';

export interface Stage {
  /** Position among the stages, from 0 (`COPY --from=0`). */
  index: number;
  /** `AS name`, lower-cased; undefined when unnamed. */
  name?: string;
  /** The base image or stage, unexpanded (may use meta ARGs). */
  baseName: string;
  /** `FROM --platform`, unexpanded. */
  platform?: string;
  /** The FROM instruction itself. */
  from: FromCommand;
  /** The instructions after FROM, in order. */
  commands: StageCommand[];
  /** From the FROM line to the stage's last line. */
  location: Location;
}

export interface Stages {
  /** ARG instructions before the first FROM. */
  metaArgs: ArgCommand[];
  stages: Stage[];
}

/** Typed instructions grouped into stages. Throws LocationError. */
export function parseStages(ast: DockerfileAst): Stages {
  const metaArgs: ArgCommand[] = [];
  const stages: Stage[] = [];
  for (const node of ast.children) {
    const cmd = parseInstruction(node, ast.file);
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
      throw stepError('no build stage in current context', ast.file, node.startLine, node.endLine);
    }
    current.commands.push(cmd);
    current.location.endLine = cmd.location.endLine;
  }
  return { metaArgs, stages };
}

export interface Dockerfile extends Stages {
  ast: DockerfileAst;
  /** The escape character in effect: pass it to word expansion. */
  escapeToken: string;
  directives: Directive[];
  warnings: ParseWarning[];
}

/** Parses text all the way to stages. Throws LocationError. */
export function parseDockerfile(text: string, file = 'Dockerfile'): Dockerfile {
  const ast = parse(text, file);
  return { ast, ...parseStages(ast), escapeToken: ast.escapeToken, directives: ast.directives, warnings: ast.warnings };
}

/**
 * The stage `ref` names: a stage name (case-insensitive) or an index, among the first
 * `before` stages (a stage can only refer to stages before it).
 */
export function findStage(stages: readonly Stage[], ref: string, before = stages.length): Stage | undefined {
  const lower = ref.toLowerCase();
  const visible = stages.slice(0, before);
  const byName = visible.find((s) => s.name === lower);
  if (byName) return byName;
  if (/^[0-9]+$/.test(ref)) return visible[Number(ref)];
  return undefined;
}
