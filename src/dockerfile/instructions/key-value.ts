/**
 * @module dockerfile/instructions/key-value
 * ENV and LABEL (`k=v k2="v 2"`, or the legacy one-pair `K value with spaces`) and ARG
 * (`name`, `name=default`, several per line). Values stay unexpanded here.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { Node } from '../parser/node.js';
import { atLeastOne, base, exactlyOne } from './base.js';
import { InstructionFlags } from './flags.js';
import type { ArgCommand, EnvCommand, KeyValue, LabelCommand } from './types.js';

function pairs(node: Node, keyword: string): KeyValue[] {
  const args = node.args;
  if (args.length === 0) throw atLeastOne(keyword);
  if (args.length % 3 !== 0) throw new InvalidArgument(`Bad input to ${keyword}, too many arguments`);
  const out: KeyValue[] = [];
  for (let i = 0; i < args.length; i += 3) {
    if (args[i] === '') throw new InvalidArgument(`${keyword} names can not be blank`);
    out.push({ key: args[i]!, value: args[i + 1]!, legacy: args[i + 2] === '' });
  }
  return out;
}

export function parseEnv(node: Node, file: string): EnvCommand {
  new InstructionFlags(node.flags, {});
  return { kind: 'ENV', ...base(node, file), pairs: pairs(node, 'ENV') };
}

export function parseLabel(node: Node, file: string): LabelCommand {
  new InstructionFlags(node.flags, {});
  return { kind: 'LABEL', ...base(node, file), pairs: pairs(node, 'LABEL') };
}

export function parseArg(node: Node, file: string): ArgCommand {
  // Docker's words for an ARG without any name.
  if (node.args.length === 0) throw exactlyOne('ARG');
  const args = node.args.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) return { key: word };
    if (eq === 0) throw new InvalidArgument('ARG names can not be blank');
    return { key: word.slice(0, eq), value: word.slice(eq + 1) };
  });
  return { kind: 'ARG', ...base(node, file), args };
}
