/**
 * @module dockerfile/check
 * `build --check`: parse errors and a set of Docker's lint rules, each as a problem with the
 * line it concerns, named as Docker names them (`FromAsCasing: …`).
 */
import { LocationError } from '../errdefs/index.js';
import { parseCommand } from './instructions/parse.js';
import { parse } from './parser/parser.js';

export interface Problem {
  line: number;
  message: string;
}

export function checkDockerfile(text: string, fileName: string): Problem[] {
  const problems: Problem[] = [];
  let ast;
  try {
    ast = parse(text, fileName);
  } catch (e) {
    if (e instanceof LocationError) return [{ line: e.line, message: e.message }];
    throw e;
  }
  for (const w of ast.warnings) problems.push({ line: w.line, message: `NoEmptyContinuation: Empty continuation line` });
  const stageNames = new Map<string, number>();
  let perStage = new Map<string, number>();
  let seenFrom = false;
  const upper = ast.nodes.filter((n) => n.keyword === n.keyword.toUpperCase()).length;
  const majorityUpper = upper * 2 >= ast.nodes.length;
  for (const node of ast.nodes) {
    const kw = node.keyword.toUpperCase();
    const line = node.startLine;
    try {
      parseCommand(node, fileName);
    } catch (e) {
      if (e instanceof LocationError) {
        problems.push({ line: e.line, message: e.message });
        continue;
      }
      throw e;
    }
    const expectedCase = majorityUpper ? node.keyword.toUpperCase() : node.keyword.toLowerCase();
    if (node.keyword !== expectedCase) {
      problems.push({ line, message: `ConsistentInstructionCasing: Command '${node.keyword}' should match the case of the command majority (${majorityUpper ? 'uppercase' : 'lowercase'})` });
    }
    if (kw === 'FROM') {
      seenFrom = true;
      perStage = new Map();
      if (node.args.length === 3) {
        const as = node.args[1]!;
        const fromUpper = node.keyword === node.keyword.toUpperCase();
        const asUpper = as === as.toUpperCase();
        if (fromUpper !== asUpper) problems.push({ line, message: `FromAsCasing: '${as}' and '${node.keyword}' keywords' casing do not match` });
        const name = node.args[2]!;
        if (name !== name.toLowerCase()) problems.push({ line, message: `StageNameCasing: Stage name '${name}' should be lowercase` });
        const lower = name.toLowerCase();
        if (lower === 'scratch' || lower === 'context') {
          problems.push({ line, message: `ReservedStageName: Stage name should not use the same name as reserved stage "${lower}"` });
        }
        if (stageNames.has(lower)) problems.push({ line, message: `DuplicateStageName: Duplicate stage name "${lower}", stage names should be unique` });
        stageNames.set(lower, line);
      }
      continue;
    }
    if (!seenFrom) continue;
    if ((kw === 'CMD' || kw === 'ENTRYPOINT') && !node.json && node.args.length) {
      problems.push({ line, message: `JSONArgsRecommended: JSON arguments recommended for ${kw} to prevent unintended behavior related to OS signals` });
    }
    if (kw === 'CMD' || kw === 'ENTRYPOINT' || kw === 'HEALTHCHECK') {
      const prev = perStage.get(kw);
      if (prev !== undefined) {
        problems.push({ line: prev, message: `MultipleInstructionsDisallowed: Multiple ${kw} instructions should not be used in the same stage because only the last one will be used` });
      }
      perStage.set(kw, line);
    }
    if (kw === 'MAINTAINER') problems.push({ line, message: 'MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label' });
    if ((kw === 'ENV' || kw === 'LABEL') && node.args[2] === '') {
      problems.push({ line, message: `LegacyKeyValueFormat: "${kw} key=value" should be used instead of legacy "${kw} key value" format` });
    }
    if (kw === 'WORKDIR' && node.args[0] && !node.args[0].startsWith('/') && !node.args[0].startsWith('$')) {
      problems.push({ line, message: `WorkdirRelativePath: Relative workdir "${node.args[0]}" can have unexpected results if the base image changes` });
    }
  }
  return problems.sort((a, b) => a.line - b.line);
}
