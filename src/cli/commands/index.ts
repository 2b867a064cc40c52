/**
 * @module cli/commands
 * Every berth command, in help order. Each area adds its commands here.
 */
import { alias, type Command } from '../command.js';
import { build } from './build.js';
import { info } from './info.js';
import { version } from './version.js';

const system: Command = {
  name: 'system',
  usage: 'COMMAND',
  description: 'Manage berth',
  subcommands: [alias(info, 'info')],
};

export const commands: Command[] = [
  // Management commands
  system,
  // Commands
  build,
  info,
  version,
];
