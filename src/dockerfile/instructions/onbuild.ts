/**
 * @module dockerfile/instructions/onbuild
 * ONBUILD: a trigger instruction stored exactly as written, run when a later build uses the
 * image as its base. ONBUILD ONBUILD, ONBUILD FROM and ONBUILD MAINTAINER are refused with
 * Docker's messages.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { trimSpace } from '../go-text.js';
import type { Node } from '../parser/node.js';
import { atLeastOne, base } from './base.js';
import { InstructionFlags } from './flags.js';
import type { OnbuildCommand } from './types.js';

export function parseOnbuild(node: Node, file: string): OnbuildCommand {
  if (!node.trigger) throw atLeastOne('ONBUILD');
  new InstructionFlags(node.flags, {});
  const trigger = trimSpace(node.trigger.keyword).toUpperCase();
  if (trigger === 'ONBUILD') throw new InvalidArgument("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger === 'MAINTAINER' || trigger === 'FROM') throw new InvalidArgument(`${trigger} isn't allowed as an ONBUILD trigger`);
  let expression = node.original.replace(/^[\t\n\f\r ]*onbuild[\t\n\f\r ]*/i, '');
  for (const h of node.heredocs) expression += '\n' + h.content + h.name;
  return { kind: 'ONBUILD', ...base(node, file), expression };
}
