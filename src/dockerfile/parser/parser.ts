/**
 * @module dockerfile/parser/parser
 * Dockerfile text → syntax tree. Handles a UTF-8 BOM, CRLF, parser directives at the top,
 * comments, blank lines, line continuations with the active escape character (comment and
 * blank lines inside a continuation are skipped; an escaped escape at line end is not a
 * continuation), `--flags`, JSON versus shell form, ONBUILD sub-instructions and heredoc bodies
 * for RUN, COPY and ADD. Pure: no I/O. Errors are LocationErrors naming the line.
 */
import { InvalidArgument, LocationError } from '../../errdefs/index.js';
import { DirectiveParser, type Directives } from './directives.js';
import { heredocMarkers } from './heredoc.js';
import { extractFlags, lineParsers } from './line-parsers.js';
import type { Heredoc, Node } from './node.js';

export interface Warning {
  line: number;
  message: string;
}

export interface ParseResult {
  nodes: Node[];
  directives: Directives;
  warnings: Warning[];
  /** The file name errors and warnings refer to. */
  file: string;
}

const heredocKeywords = new Set(['run', 'copy', 'add']);

function isComment(line: string): boolean {
  return /^[ \t\v\f\r]*#/.test(line);
}

function isBlank(line: string): boolean {
  return /^[ \t\v\f\r]*$/.test(line);
}

/** Strips the continuation escape at the end of a line; `more` tells whether it continued. */
function trimContinuation(line: string, escape: string): { text: string; more: boolean } {
  const m = /[ \t]*$/.exec(line)!;
  const body = line.slice(0, m.index);
  if (body.endsWith(escape)) {
    const before = body.slice(0, -escape.length);
    if (!before.endsWith(escape)) return { text: before, more: true };
  }
  return { text: line, more: false };
}

/** Builds a node from an instruction's joined text. */
export function nodeFromLine(line: string, escape: string, file: string, startLine: number, endLine: number): Node {
  const trimmed = line.trim();
  const m = /^(\S+)\s*([\s\S]*)$/u.exec(trimmed);
  const keyword = m ? m[1]! : trimmed;
  const after = m ? m[2]! : '';
  const { flags, rest } = extractFlags(after);
  const parser = lineParsers[keyword.toLowerCase()];
  if (!parser) {
    throw new LocationError(`dockerfile parse error on line ${startLine}: unknown instruction: ${keyword.toUpperCase()}`, file, startLine, endLine);
  }
  let parsed;
  try {
    parsed = parser(rest.trim(), escape);
  } catch (e) {
    if (e instanceof InvalidArgument) {
      throw new LocationError(`dockerfile parse error on line ${startLine}: ${e.message}`, file, startLine, endLine, { cause: e });
    }
    throw e;
  }
  const node: Node = {
    keyword,
    args: parsed.args,
    flags,
    json: parsed.json,
    original: line,
    heredocs: [],
    startLine,
    endLine,
    comments: [],
  };
  if (parsed.subLine !== undefined) node.sub = nodeFromLine(parsed.subLine, escape, file, startLine, endLine);
  return node;
}

/** Parses a whole Dockerfile. */
export function parse(text: string, file = 'Dockerfile'): ParseResult {
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const d = new DirectiveParser(file);
  const nodes: Node[] = [];
  const warnings: Warning[] = [];
  let comments: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i]!.replace(/\r$/, '');
    const lineNo = i + 1;
    i++;
    const first = raw.replace(/^[ \t\v\f\r]+/, '');
    d.line(first, lineNo);
    if (isComment(first)) {
      comments.push(first.replace(/^#\s?/, ''));
      continue;
    }
    let { text: joined, more } = trimContinuation(first, d.escape);
    if (!more && joined.length === 0) {
      comments = [];
      continue;
    }
    d.end();
    let emptyContinuation = false;
    while (more && i < lines.length) {
      const next = lines[i]!.replace(/\r$/, '');
      i++;
      if (isComment(next)) continue;
      if (isBlank(next)) {
        emptyContinuation = true;
        continue;
      }
      const t = trimContinuation(next, d.escape);
      joined += t.text;
      more = t.more;
    }
    const endLine = i;
    if (emptyContinuation) {
      warnings.push({ line: lineNo, message: `Empty continuation line found in: ${joined.trim()}` });
    }
    const node = nodeFromLine(joined, d.escape, file, lineNo, endLine);
    node.comments = comments;
    comments = [];
    if (heredocKeywords.has(node.keyword.toLowerCase()) && joined.includes('<<') && !node.json) {
      for (const marker of heredocMarkers(joined)) {
        const body: string[] = [];
        let found = false;
        while (i < lines.length) {
          let l = lines[i]!.replace(/\r$/, '');
          i++;
          if (marker.chomp) l = l.replace(/^\t+/, '');
          if (l === marker.name) {
            found = true;
            break;
          }
          body.push(l);
        }
        if (!found) {
          throw new LocationError(
            `dockerfile parse error on line ${lineNo}: unterminated heredoc ${marker.name} (no line "${marker.name}" before the end of the file)`,
            file,
            lineNo,
            i,
          );
        }
        const doc: Heredoc = { ...marker, content: body.map((b) => b + '\n').join('') };
        node.heredocs.push(doc);
      }
      node.endLine = i;
    }
    nodes.push(node);
  }
  if (nodes.length === 0) throw new LocationError('file with no instructions', file, 0);
  return { nodes, directives: d.directives, warnings, file };
}
