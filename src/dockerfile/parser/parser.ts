/**
 * @module dockerfile/parser/parser
 * Dockerfile text → syntax tree (`DockerfileAst`), with BuildKit's rules:
 *
 * - a UTF-8 BOM at the start is dropped; lines end at `\n` (a `\r` before it is dropped);
 * - parser directives only in the comment lines at the very top (see directives.ts);
 * - comment lines (`#` after optional blanks) and blank lines between instructions are
 *   skipped; the comments right before an instruction are kept on its node;
 * - a line whose last non-blank character is the escape character continues on the next
 *   line, unless that character is itself escaped (`\\` at the end is not a continuation);
 *   continuation lines keep their leading blanks; comment lines inside a continuation are
 *   skipped; empty ones are skipped with a warning (NoEmptyContinuation);
 * - the first word is the keyword, then `--flags`, then the arguments, split by the
 *   instruction's line parser (exec form when they are a JSON array of strings);
 * - RUN, COPY and ADD in shell form (also as ONBUILD triggers) may carry heredocs: their
 *   bodies follow the instruction line, each up to its delimiter line.
 *
 * Unknown instructions still become nodes (the instruction pass rejects them), so the tree
 * can be dumped and linted. Pure: no I/O. Errors are LocationErrors (see ../errors.ts).
 */
import { LocationError } from '../../errdefs/index.js';
import { reasonOf, syntaxError } from '../errors.js';
import { trimLeftSpace, trimSpace } from '../go-text.js';
import type { ParseWarning } from '../types.js';
import { DirectiveParser } from './directives.js';
import { heredocMarkers } from './heredoc.js';
import { lineParsers } from './line-parsers.js';
import type { DockerfileAst, Heredoc, Node } from './node.js';
import { splitCommand } from './split-command.js';

const heredocKeywords = new Set(['run', 'copy', 'add']);

/** Splits text into lines, each keeping its `\n`. */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      out.push(text.slice(start));
      break;
    }
    out.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  return out;
}

/** Go's bytes.TrimRight(line, "\r\n"). */
function trimNewline(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === '\n' || line[end - 1] === '\r')) end--;
  return line.slice(0, end);
}

function isComment(line: string): boolean {
  return trimLeftSpace(line).startsWith('#');
}

/** Removes a trailing continuation escape; `more` tells whether the line continues. */
function trimContinuation(line: string, escapeToken: string): { text: string; more: boolean } {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  const body = line.slice(0, end);
  if (!body.endsWith(escapeToken)) return { text: line, more: false };
  const before = body.slice(0, body.length - escapeToken.length);
  if (before === '') return { text: '', more: true };
  // An escaped escape at the end is a literal character, not a continuation.
  if (before.endsWith(escapeToken)) return { text: line, more: false };
  return { text: before, more: true };
}

/** Builds the node of one instruction from its joined text. Throws InvalidArgument. */
export function nodeFromLine(line: string, escapeToken: string, startLine: number, endLine: number, comments: string[] = []): Node {
  const { keyword, flags, rest } = splitCommand(line, escapeToken);
  const lower = keyword.toLowerCase();
  const node: Node = { keyword, args: [], flags, json: false, heredocs: [], original: line, startLine, endLine, comments };
  if (lower === 'onbuild') {
    if (rest !== '') node.trigger = nodeFromLine(rest, escapeToken, startLine, endLine);
    return node;
  }
  const parser = lineParsers[lower];
  if (parser) {
    const parsed = parser(rest, escapeToken);
    node.args = parsed.args;
    node.json = parsed.json;
  }
  return node;
}

function canContainHeredoc(node: Node): boolean {
  const n = node.keyword.toLowerCase() === 'onbuild' && node.trigger ? node.trigger : node;
  return heredocKeywords.has(n.keyword.toLowerCase()) && !n.json;
}

/** Longest line Docker's parser reads (its line scanner's buffer, less the newline). */
export const MAX_LINE_BYTES = 65535;

/** Parses a whole Dockerfile. `file` names it in errors and locations. */
export function parse(text: string, file = 'Dockerfile'): DockerfileAst {
  const lines = splitLines(text);
  for (const [i, line] of lines.entries()) {
    // Bytes are at most 3× UTF-16 units: only long lines need counting.
    if (line.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(line.replace(/\n$/, '')) > MAX_LINE_BYTES) {
      throw new LocationError(`dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`, file, i + 1, i + 1);
    }
  }
  if (lines.length && lines[0]!.startsWith('\ufeff')) lines[0] = lines[0]!.slice(1);
  const directives = new DirectiveParser();
  const children: Node[] = [];
  const warnings: ParseWarning[] = [];
  let comments: string[] = [];
  let next = 0;
  let currentLine = 0;

  const offerDirective = (line: string, lineNo: number): boolean => {
    try {
      return directives.offer(line, lineNo);
    } catch (e) {
      throw syntaxError(reasonOf(e), file, lineNo, lineNo, e);
    }
  };

  while (next < lines.length) {
    const raw = lines[next++]!;
    currentLine++;
    if (isComment(raw)) {
      // BuildKit drops the first character (normally the #) and trims the rest.
      const comment = trimSpace([...raw].slice(1).join(''));
      if (comment === '') comments = [];
      else comments.push(comment);
    }
    const first = trimLeftSpace(trimNewline(raw));
    if (offerDirective(first, currentLine)) comments.pop();
    const startLine = currentLine;
    let { text: joined, more } = trimContinuation(isComment(first) ? '' : first, directives.escapeToken);
    if (!more && joined === '') continue;

    let emptyContinuation = false;
    while (more && next < lines.length) {
      const rawNext = lines[next++]!;
      currentLine++;
      const line = trimNewline(rawNext);
      offerDirective(line, currentLine);
      if (isComment(rawNext)) continue;
      if (trimLeftSpace(line) === '') {
        emptyContinuation = true;
        continue;
      }
      const t = trimContinuation(line, directives.escapeToken);
      joined += t.text;
      more = t.more;
    }
    if (emptyContinuation) {
      warnings.push({ rule: 'NoEmptyContinuation', line: currentLine, message: `Empty continuation line found in:\n    ${joined}` });
    }

    let node: Node;
    try {
      node = nodeFromLine(joined, directives.escapeToken, startLine, currentLine, comments);
    } catch (e) {
      throw syntaxError(reasonOf(e), file, startLine, currentLine, e);
    }
    if (canContainHeredoc(node) && joined.includes('<<')) {
      let markers;
      try {
        markers = heredocMarkers(joined);
      } catch (e) {
        throw syntaxError(reasonOf(e), file, startLine, currentLine, e);
      }
      for (const marker of markers) {
        let content = '';
        let terminated = false;
        while (next < lines.length) {
          const body = lines[next++]!;
          currentLine++;
          let candidate = trimNewline(body);
          if (marker.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === marker.name) {
            terminated = true;
            break;
          }
          content += body;
        }
        if (!terminated) throw syntaxError('unterminated heredoc', file, startLine, currentLine);
        const doc: Heredoc = { ...marker, content };
        node.heredocs.push(doc);
      }
    }
    node.endLine = currentLine;
    if (node.trigger) node.trigger.endLine = currentLine;
    children.push(node);
    comments = [];
  }

  if (children.length === 0) throw new LocationError('file with no instructions', file, Math.max(currentLine, 1));
  return {
    children,
    directives: directives.directives,
    escapeToken: directives.escapeToken,
    warnings,
    file,
    startLine: children[0]!.startLine,
    endLine: children[children.length - 1]!.endLine,
  };
}
