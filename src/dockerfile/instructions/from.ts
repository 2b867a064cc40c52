/**
 * @module dockerfile/instructions/from
 * FROM: `FROM [--platform=p] image [AS name]`. The stage name is case-insensitive (kept
 * lower-cased) and must start with a letter: `[a-z][a-z0-9-_.]*`.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { goQuote } from '../go-text.js';
import type { Node } from '../parser/node.js';
import { base } from './base.js';
import { InstructionFlags } from './flags.js';
import type { FromCommand } from './types.js';

const stageNameRe = /^[a-z][a-z0-9-_.]*$/;

export function parseFrom(node: Node, file: string): FromCommand {
  const a = node.args;
  let stageName: string | undefined;
  if (a.length === 3 && a[1]!.toLowerCase() === 'as') {
    stageName = a[2]!.toLowerCase();
    if (!stageNameRe.test(stageName)) {
      throw new InvalidArgument(`invalid name for build stage: ${goQuote(a[2]!)}, name can't start with a number or contain symbols`);
    }
  } else if (a.length !== 1) {
    throw new InvalidArgument('FROM requires either one or three arguments');
  }
  const flags = new InstructionFlags(node.flags, { platform: 'string' });
  const platform = flags.string('platform');
  return {
    kind: 'FROM',
    ...base(node, file),
    image: a[0]!,
    ...(stageName !== undefined ? { stageName } : {}),
    ...(platform !== undefined ? { platform } : {}),
  };
}
