/**
 * @module dockerfile/instructions/file-family
 * Instructions about the file tree: COPY, ADD, VOLUME, WORKDIR.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { Node } from '../parser/node.js';
import { InstructionFlags, type FlagKind } from './flags.js';
import type { CopyCommand, Location, VolumeCommand, WorkdirCommand } from './types.js';

export function parseCopy(node: Node, location: Location): CopyCommand {
  const kind = node.keyword.toUpperCase() as 'COPY' | 'ADD';
  const accepted: Record<string, FlagKind> =
    kind === 'COPY'
      ? { chown: 'string', chmod: 'string', from: 'string', link: 'bool', exclude: 'list', parents: 'bool' }
      : { chown: 'string', chmod: 'string', link: 'bool', checksum: 'string', 'keep-git-dir': 'bool', exclude: 'list' };
  const f = new InstructionFlags(node.flags, accepted);
  const args = node.args;
  if (args.length === 0) throw new InvalidArgument(`${kind} requires at least two arguments`);
  if (args.length < 2) {
    throw new InvalidArgument(`${kind} requires at least two arguments, but only one was provided. Destination could not be determined.`);
  }
  const chmod = f.string('chmod');
  if (chmod !== undefined && !/^[0-7]{1,4}$/.test(chmod) && !/^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/.test(chmod)) {
    throw new InvalidArgument(`invalid chmod parameter: ${chmod}`);
  }
  const chown = f.string('chown');
  const from = f.string('from');
  const checksum = f.string('checksum');
  return {
    kind,
    location,
    original: node.original,
    sources: args.slice(0, -1),
    dest: args[args.length - 1]!,
    heredocs: node.heredocs,
    ...(chown !== undefined ? { chown } : {}),
    ...(chmod !== undefined ? { chmod } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(checksum !== undefined ? { checksum } : {}),
    link: f.bool('link'),
    keepGitDir: f.bool('keep-git-dir'),
    exclude: f.list('exclude'),
    parents: f.bool('parents'),
    json: node.json,
  };
}

export function parseVolume(node: Node, location: Location): VolumeCommand {
  new InstructionFlags(node.flags, {});
  if (node.args.length === 0) throw new InvalidArgument('VOLUME requires at least one argument');
  for (const v of node.args) if (v.trim() === '') throw new InvalidArgument('VOLUME specified can not be an empty string');
  return { kind: 'VOLUME', location, original: node.original, volumes: node.args };
}

export function parseWorkdir(node: Node, location: Location): WorkdirCommand {
  new InstructionFlags(node.flags, {});
  if (node.args.length !== 1) throw new InvalidArgument('WORKDIR requires exactly one argument');
  return { kind: 'WORKDIR', location, original: node.original, path: node.args[0]! };
}
