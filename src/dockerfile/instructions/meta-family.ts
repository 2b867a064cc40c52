/**
 * @module dockerfile/instructions/meta-family
 * Instructions that only change the image config: ENV, LABEL, ARG, EXPOSE, USER, STOPSIGNAL,
 * MAINTAINER, ONBUILD, and FROM.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import type { Node } from '../parser/node.js';
import { InstructionFlags } from './flags.js';
import type {
  ArgCommand, EnvCommand, ExposeCommand, FromCommand, KeyValue, LabelCommand, Location, MaintainerCommand, OnbuildCommand,
  StopSignalCommand, UserCommand,
} from './types.js';

function pairs(node: Node, kind: string): KeyValue[] {
  if (node.args.length === 0) throw new InvalidArgument(`${kind} requires at least one argument`);
  const out: KeyValue[] = [];
  for (let i = 0; i < node.args.length; i += 3) {
    const key = node.args[i]!;
    if (key === '') throw new InvalidArgument(`${kind} names can not be blank`);
    out.push({ key, value: node.args[i + 1] ?? '', equals: node.args[i + 2] === '=' });
  }
  return out;
}

export function parseEnv(node: Node, location: Location): EnvCommand {
  new InstructionFlags(node.flags, {});
  return { kind: 'ENV', location, original: node.original, pairs: pairs(node, 'ENV') };
}

export function parseLabel(node: Node, location: Location): LabelCommand {
  new InstructionFlags(node.flags, {});
  return { kind: 'LABEL', location, original: node.original, pairs: pairs(node, 'LABEL') };
}

export function parseArg(node: Node, location: Location): ArgCommand {
  new InstructionFlags(node.flags, {});
  if (node.args.length === 0) throw new InvalidArgument('ARG requires exactly one argument');
  const args = node.args.map((w) => {
    const i = w.indexOf('=');
    if (i === 0) throw new InvalidArgument('ARG names can not be blank');
    return i < 0 ? { key: w } : { key: w.slice(0, i), value: w.slice(i + 1) };
  });
  return { kind: 'ARG', location, original: node.original, args };
}

export function parseExpose(node: Node, location: Location): ExposeCommand {
  new InstructionFlags(node.flags, {});
  if (node.args.length === 0) throw new InvalidArgument('EXPOSE requires at least one argument');
  return { kind: 'EXPOSE', location, original: node.original, ports: node.args };
}

function oneArg<K extends string>(node: Node, kind: K): string {
  new InstructionFlags(node.flags, {});
  if (node.args.length !== 1) throw new InvalidArgument(`${kind} requires exactly one argument`);
  return node.args[0]!;
}

export function parseUser(node: Node, location: Location): UserCommand {
  return { kind: 'USER', location, original: node.original, user: oneArg(node, 'USER') };
}

export function parseStopSignal(node: Node, location: Location): StopSignalCommand {
  return { kind: 'STOPSIGNAL', location, original: node.original, signal: oneArg(node, 'STOPSIGNAL') };
}

export function parseMaintainer(node: Node, location: Location): MaintainerCommand {
  return { kind: 'MAINTAINER', location, original: node.original, maintainer: oneArg(node, 'MAINTAINER') };
}

export function parseOnbuild(node: Node, location: Location): OnbuildCommand {
  new InstructionFlags(node.flags, {});
  if (!node.sub) throw new InvalidArgument('ONBUILD requires at least one argument');
  const trigger = node.sub.keyword.toUpperCase();
  if (trigger === 'ONBUILD') throw new InvalidArgument("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger === 'FROM' || trigger === 'MAINTAINER') throw new InvalidArgument(`${trigger} isn't allowed as an ONBUILD trigger`);
  // The trigger is stored exactly as written after the ONBUILD keyword.
  const expression = node.original.trim().replace(/^\S+\s+/u, '').trim();
  return { kind: 'ONBUILD', location, original: node.original, expression };
}

const stageNameRe = /^[a-z][a-z0-9-_.]*$/;

export function parseFrom(node: Node, location: Location): FromCommand {
  const f = new InstructionFlags(node.flags, { platform: 'string' });
  const a = node.args;
  if (!(a.length === 1 || (a.length === 3 && a[1]!.toLowerCase() === 'as'))) {
    throw new InvalidArgument('FROM requires either one or three arguments');
  }
  let stageName: string | undefined;
  if (a.length === 3) {
    stageName = a[2]!.toLowerCase();
    if (!stageNameRe.test(stageName)) {
      throw new InvalidArgument(`invalid name for build stage: ${JSON.stringify(a[2])}, name can't start with a number or contain symbols`);
    }
  }
  const platform = f.string('platform');
  return {
    kind: 'FROM',
    location,
    original: node.original,
    image: a[0]!,
    ...(stageName !== undefined ? { stageName } : {}),
    ...(platform !== undefined ? { platform } : {}),
  };
}
