/**
 * @module dockerfile/instructions/copy-add
 * COPY and ADD: sources (paths, URLs, or heredocs written as inline files), a destination, and
 * their flags. COPY: --from, --chown, --chmod, --link, --parents, --exclude. ADD: --chown,
 * --chmod, --link, --checksum, --keep-git-dir, --unpack, --exclude.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { parseHeredocMarker } from '../parser/heredoc.js';
import type { Heredoc, Node } from '../parser/node.js';
import { emptyEnv } from '../shell-env.js';
import { ShellLex } from '../shell-lex.js';
import { base, inlineFile } from './base.js';
import { InstructionFlags } from './flags.js';
import type { AddCommand, CopyCommand, SourcesAndDest } from './types.js';

function marker(word: string): ReturnType<typeof parseHeredocMarker> {
  try {
    return parseHeredocMarker(word);
  } catch {
    return undefined;
  }
}

function sourcesAndDest(node: Node, keyword: string, flags: InstructionFlags): SourcesAndDest {
  const args = node.args;
  const dest = args[args.length - 1]!;
  if (marker(dest)) throw new InvalidArgument(`${keyword} cannot accept a heredoc as a destination`);
  const byName = new Map<string, Heredoc>();
  for (const h of node.heredocs) byName.set(h.name, h);
  const sources: string[] = [];
  const inline: SourcesAndDest['inline'] = [];
  for (const src of args.slice(0, -1)) {
    const m = marker(src);
    if (!m) {
      sources.push(src);
      continue;
    }
    // The body comes from the parser; the marker word decides chomping and expansion.
    const content = byName.get(m.name)?.content ?? '';
    inline.push(inlineFile({ ...m, content }));
  }
  const chown = flags.string('chown');
  const chmod = flags.string('chmod');
  return {
    sources,
    inline,
    dest,
    ...(chown !== undefined ? { chown } : {}),
    ...(chmod !== undefined ? { chmod } : {}),
    link: flags.bool('link') ?? false,
    exclude: flags.strings('exclude'),
  };
}

/** Docker refuses variables in COPY --from (it is resolved before any ARG is known). */
function checkNoExpansion(from: string): void {
  let expanded: string | undefined;
  try {
    expanded = new ShellLex().processWord(from, emptyEnv);
  } catch {
    expanded = undefined;
  }
  if (expanded !== from) {
    throw new InvalidArgument('variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround');
  }
}

function needDestination(node: Node, keyword: string): void {
  if (node.args.length < 2) {
    throw new InvalidArgument(`${keyword} requires at least two arguments, but only one was provided. Destination could not be determined`);
  }
}

export function parseCopy(node: Node, file: string): CopyCommand {
  needDestination(node, 'COPY');
  const flags = new InstructionFlags(node.flags, {
    chown: 'string', from: 'string', chmod: 'string', link: 'bool', exclude: 'strings', parents: 'bool',
  });
  const from = flags.string('from');
  if (from !== undefined) checkNoExpansion(from);
  return {
    kind: 'COPY',
    ...base(node, file),
    ...sourcesAndDest(node, 'COPY', flags),
    ...(from !== undefined ? { from } : {}),
    parents: flags.bool('parents') ?? false,
  };
}

export function parseAdd(node: Node, file: string): AddCommand {
  needDestination(node, 'ADD');
  const flags = new InstructionFlags(node.flags, {
    chown: 'string', chmod: 'string', link: 'bool', 'keep-git-dir': 'bool', checksum: 'string', unpack: 'bool', exclude: 'strings',
  });
  const checksum = flags.string('checksum');
  const keepGitDir = flags.bool('keep-git-dir');
  const unpack = flags.bool('unpack');
  return {
    kind: 'ADD',
    ...base(node, file),
    ...sourcesAndDest(node, 'ADD', flags),
    ...(checksum !== undefined ? { checksum } : {}),
    ...(keepGitDir !== undefined ? { keepGitDir } : {}),
    ...(unpack !== undefined ? { unpack } : {}),
  };
}
