/**
 * @module dockerfile/ast-dump
 * Renders the syntax tree in BuildKit's s-expression dump form, one line per instruction:
 * `(keyword ["--flag=v" …] "arg" …)`, the keyword lower-cased, strings quoted like Go's
 * strconv.Quote, and ONBUILD's trigger nested: `(onbuild (run "echo" "hi"))`. The parser
 * conformance files (`result`) are in this form.
 */
import { goQuote } from './go-text.js';
import type { DockerfileAst, Node } from './parser/node.js';

/** One node, without the outer parentheses. */
export function dumpNode(n: Node): string {
  let s = n.keyword.toLowerCase();
  if (n.flags.length) s += ` [${n.flags.map(goQuote).join(' ')}]`;
  if (n.trigger) s += ` (${dumpNode(n.trigger)})`;
  for (const a of n.args) s += ` ${goQuote(a)}`;
  return s;
}

/** The whole tree: each instruction as `(…)` on its own line, with a final newline. */
export function dumpAst(ast: DockerfileAst): string {
  return ast.children.map((n) => `(${dumpNode(n)})\n`).join('');
}
