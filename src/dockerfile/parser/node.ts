/**
 * @module dockerfile/parser/node
 * The syntax tree of a Dockerfile: one node per instruction, with its arguments as the
 * instruction's own line parser split them, its `--flags`, whether it was written in JSON
 * (exec) form, its heredocs, and its line range. `dumpNode` renders a node in BuildKit's
 * s-expression form, which the conformance tests compare against.
 */
export interface Heredoc {
  /** The delimiter word, without quotes. */
  name: string;
  /** The body, each line ending in "\n" (tabs stripped for `<<-`). */
  content: string;
  /** false when the delimiter was quoted: the body is not expanded. */
  expand: boolean;
  /** `<<-`: leading tabs removed. */
  chomp: boolean;
  /** The file descriptor prefix (`3<<EOF`), 0 when none. */
  fileDescriptor: number;
}

export interface Node {
  /** The instruction keyword as written (`RUN`, `copy`, …). */
  keyword: string;
  /** The arguments as split by the instruction's line parser. */
  args: string[];
  /** `--name=value` flags written before the arguments. */
  flags: string[];
  /** Written in JSON (exec) form. */
  json: boolean;
  /** The whole instruction line after joining continuations (without heredoc bodies). */
  original: string;
  /** ONBUILD's trigger instruction. */
  sub?: Node;
  heredocs: Heredoc[];
  /** 1-based first and last line, heredoc bodies included. */
  startLine: number;
  endLine: number;
  /** Comment lines directly before the instruction. */
  comments: string[];
}

/** Go's strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if ((c >= 0x80 && c < 0xa0) || c === 0xad) out += '\\u' + c.toString(16).padStart(4, '0');
    else if (c === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** BuildKit's Node.Dump: `keyword ["--flags"] "arg" …` (without the outer parentheses). */
export function dumpNode(n: Node): string {
  let s = n.keyword.toLowerCase();
  if (n.flags.length) s += ` [${n.flags.map(goQuote).join(' ')}]`;
  if (n.sub) s += ` (${dumpNode(n.sub)})`;
  for (const a of n.args) s += ` ${goQuote(a)}`;
  return s.trim();
}
