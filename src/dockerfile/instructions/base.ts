/**
 * @module dockerfile/instructions/base
 * What every typed instruction carries (keyword, location, original text, comments), the
 * common argument-count errors in Docker's words, and heredocs as inline files.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { trimSpace } from '../go-text.js';
import { chompHeredoc, type Heredoc, type Node } from '../parser/node.js';
import type { CommandBase, InlineFile } from './types.js';

export function base(node: Node, file: string): CommandBase {
  return {
    keyword: node.keyword,
    location: { file, startLine: node.startLine, endLine: node.endLine },
    original: trimSpace(node.original),
    comments: [...node.comments],
  };
}

export function atLeastOne(keyword: string): InvalidArgument {
  return new InvalidArgument(`${keyword} requires at least one argument`);
}

export function exactlyOne(keyword: string): InvalidArgument {
  return new InvalidArgument(`${keyword} requires exactly one argument`);
}

/** A heredoc as an inline file (content chomped for `<<-`). */
export function inlineFile(h: Heredoc): InlineFile {
  return {
    name: h.name,
    data: h.chomp ? chompHeredoc(h.content) : h.content,
    raw: h.content,
    expand: h.expand,
    chomp: h.chomp,
    fileDescriptor: h.fileDescriptor,
  };
}
