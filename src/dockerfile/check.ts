/**
 * @module dockerfile/check
 * `build --check`: every problem a Dockerfile has, without building — the syntax error that
 * stops parsing, or else each instruction's error and the lint findings (check-rules.ts), in
 * line order. An empty list means clean. Errors read as they would when building
 * (`dockerfile parse error line 3: unknown instruction: COPPY`, or for a step that would
 * fail, `Invalid signal: SIGNOPE`); findings as
 * `RuleName: message` in Docker's words (`JSONArgsRecommended: JSON arguments recommended for
 * CMD to prevent unintended behavior related to OS signals`). The CLI prints each as
 * `FILE:LINE: message`.
 *
 * The `# check=skip=Rule1,Rule2` directive (or `skip=all`) turns rules off, as in Docker.
 */
import { LocationError } from '../errdefs/index.js';
import { type Checked, lint } from './check-rules.js';
import { reasonOf, stepError } from './errors.js';
import { parseInstruction } from './instructions/parse.js';
import type { DockerfileAst } from './parser/node.js';
import { parse } from './parser/parser.js';

export interface Problem {
  /** 1-based line the problem concerns. */
  line: number;
  message: string;
  /** The lint rule, for findings (undefined for errors). */
  rule?: string;
}

/** Rules the `# check=skip=…` directive turns off ("all" for every rule). */
function skippedRules(ast: DockerfileAst): Set<string> {
  const skip = new Set<string>();
  for (const d of ast.directives) {
    if (d.name !== 'check') continue;
    for (const part of d.value.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim().toLowerCase() !== 'skip') continue;
      for (const r of part.slice(eq + 1).split(',')) if (r.trim()) skip.add(r.trim().toLowerCase());
    }
  }
  return skip;
}

/** Checks a Dockerfile's text; `fileName` names it in locations. Never throws for bad input. */
export function checkDockerfile(text: string, fileName: string): Problem[] {
  let ast: DockerfileAst;
  try {
    ast = parse(text, fileName);
  } catch (e) {
    if (e instanceof LocationError) return [{ line: e.line, message: e.message }];
    return [{ line: 1, message: reasonOf(e) }];
  }
  const problems: Problem[] = [];
  const items: Checked[] = [];
  let seenFrom = false;
  for (const node of ast.children) {
    try {
      const cmd = parseInstruction(node, fileName);
      if (cmd.kind === 'FROM') seenFrom = true;
      else if (!seenFrom && cmd.kind !== 'ARG') throw stepError('no build stage in current context', fileName, node.startLine, node.endLine);
      items.push({ node, cmd });
    } catch (e) {
      problems.push({ line: e instanceof LocationError ? e.line : node.startLine, message: e instanceof Error ? e.message : String(e) });
      items.push({ node });
    }
  }
  const skip = skippedRules(ast);
  const findings = [
    ...ast.warnings.map((w) => ({ rule: w.rule, line: w.line, message: 'Empty continuation line' })),
    ...lint(items, ast.escapeToken),
  ];
  for (const f of findings) {
    if (f.rule === undefined) problems.push({ line: f.line, message: f.message });
    else if (!skip.has('all') && !skip.has(f.rule.toLowerCase())) problems.push({ line: f.line, message: `${f.rule}: ${f.message}`, rule: f.rule });
  }
  // By line; on one line errors first, then findings by rule name.
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.line - b.p.line || (a.p.rule ?? '').localeCompare(b.p.rule ?? '') || a.i - b.i)
    .map(({ p }) => p);
}
