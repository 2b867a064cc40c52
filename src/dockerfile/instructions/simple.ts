/**
 * @module dockerfile/instructions/simple
 * The one-value instructions: USER, WORKDIR, STOPSIGNAL, MAINTAINER, and VOLUME's list.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { trimSpace } from '../go-text.js';
import type { Node } from '../parser/node.js';
import { atLeastOne, base, exactlyOne } from './base.js';
import { InstructionFlags } from './flags.js';
import type { MaintainerCommand, StopSignalCommand, UserCommand, VolumeCommand, WorkdirCommand } from './types.js';

function one(node: Node, keyword: string, checkFlags = true): string {
  if (node.args.length !== 1) throw exactlyOne(keyword);
  if (checkFlags) new InstructionFlags(node.flags, {});
  return node.args[0]!;
}

export function parseUser(node: Node, file: string): UserCommand {
  return { kind: 'USER', ...base(node, file), user: one(node, 'USER') };
}

export function parseWorkdir(node: Node, file: string): WorkdirCommand {
  return { kind: 'WORKDIR', ...base(node, file), path: one(node, 'WORKDIR') };
}

export function parseStopSignal(node: Node, file: string): StopSignalCommand {
  // Docker does not check STOPSIGNAL's flags.
  return { kind: 'STOPSIGNAL', ...base(node, file), signal: one(node, 'STOPSIGNAL', false) };
}

export function parseMaintainer(node: Node, file: string): MaintainerCommand {
  return { kind: 'MAINTAINER', ...base(node, file), maintainer: one(node, 'MAINTAINER') };
}

export function parseVolume(node: Node, file: string): VolumeCommand {
  if (node.args.length === 0) throw atLeastOne('VOLUME');
  new InstructionFlags(node.flags, {});
  const volumes = node.args.map((v) => {
    const t = trimSpace(v);
    if (t === '') throw new InvalidArgument('VOLUME specified can not be an empty string');
    return t;
  });
  return { kind: 'VOLUME', ...base(node, file), volumes };
}
