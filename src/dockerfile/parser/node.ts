/**
 * @module dockerfile/parser/node
 * The syntax tree of a Dockerfile (the parser's output, the instruction pass's input).
 *
 * One `Node` per instruction. Its `args` are the instruction's arguments as its line parser
 * split them, still unexpanded (quotes and escapes kept where Docker keeps them):
 *
 * | instruction                   | args                                                          |
 * |-------------------------------|---------------------------------------------------------------|
 * | RUN, CMD, ENTRYPOINT, SHELL   | exec form: the JSON strings; shell form: one string, the text |
 * | ADD, COPY, VOLUME             | the JSON strings, or the words split on blanks                |
 * | ENV, LABEL                    | triples `key, value, sep`: sep `=` for `k=v`, `""` for `K v`  |
 * | ARG                           | the words (`name` or `name=value`, quotes kept)               |
 * | FROM, EXPOSE                  | the words split on blanks                                     |
 * | USER, WORKDIR, STOPSIGNAL, MAINTAINER | one string, the whole text                            |
 * | HEALTHCHECK                   | the type word (`CMD`, `NONE`) then as for CMD                 |
 * | ONBUILD                       | none: the trigger is in `trigger`                             |
 * | unknown instruction           | none (the instruction pass rejects it)                        |
 *
 * `json` tells exec (JSON array) form; `flags` are the `--name=value` words written before the
 * arguments, with quotes removed. Lines are 1-based and include continuation lines and heredoc
 * bodies.
 */
import type { ParseWarning } from '../types.js';

/** A heredoc attached to RUN, COPY or ADD (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`). */
export interface Heredoc {
  /** The delimiter word, quotes removed (also the inline file's name). */
  name: string;
  /** The body exactly as written, each line with its own line ending; no chomping applied. */
  content: string;
  /** false when any part of the delimiter was quoted: the body is not expanded. */
  expand: boolean;
  /** `<<-`: leading tabs are removed from the body's lines (see `chompHeredoc`). */
  chomp: boolean;
  /** The file descriptor written before `<<` (`3<<EOF`), 0 when none. */
  fileDescriptor: number;
}

/** One instruction. */
export interface Node {
  /** The keyword exactly as written (`RUN`, `copy`, `From`). */
  keyword: string;
  /** The arguments (see the module comment for each instruction's shape). */
  args: string[];
  /** `--name[=value]` words written before the arguments, quotes removed. */
  flags: string[];
  /** Written in exec (JSON array) form. */
  json: boolean;
  /** ONBUILD's trigger instruction. */
  trigger?: Node;
  /** Heredoc bodies, in the order their markers appear. */
  heredocs: Heredoc[];
  /** The instruction's text with continuations joined (heredoc bodies not included). */
  original: string;
  /** First line, 1-based. */
  startLine: number;
  /** Last line, including continuation lines and heredoc bodies. */
  endLine: number;
  /** The comment lines right before the instruction (without `#`). */
  comments: string[];
}

/** A parser directive from the top of the file (`# syntax=…`, `# escape=…`, `# check=…`). */
export interface Directive {
  /** Lower-case name: `syntax`, `escape` or `check`. */
  name: string;
  value: string;
  line: number;
}

/** A parsed Dockerfile. */
export interface DockerfileAst {
  /** The instructions in order. */
  children: Node[];
  /** The parser directives found at the top. */
  directives: Directive[];
  /** The escape character in effect (`\` or `` ` ``); word expansion must use it too. */
  escapeToken: string;
  /** Non-fatal findings, e.g. empty continuation lines. */
  warnings: ParseWarning[];
  /** The file name errors and locations refer to. */
  file: string;
  /** First and last line holding an instruction. */
  startLine: number;
  endLine: number;
}

/** Removes leading tabs from every line of a `<<-` heredoc body. */
export function chompHeredoc(content: string): string {
  return content.replace(/(^|\n)\t+/g, '$1');
}
