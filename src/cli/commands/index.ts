/**
 * @module cli/commands
 * Every berth command, in help order. Each area adds its commands here.
 */
import { alias, type Command } from '../command.js';
import { build } from './build.js';
import { history } from './history.js';
import { image } from './image.js';
import { inspect } from './image-inspect.js';
import { images } from './images.js';
import { importCmd } from './import.js';
import { load } from './load.js';
import { rmi } from './rmi.js';
import { save } from './save.js';
import { systemDf } from './system-df.js';
import { tag } from './tag.js';
import { info } from './info.js';
import { version } from './version.js';

const system: Command = {
  name: 'system',
  usage: 'COMMAND',
  description: 'Manage berth',
  subcommands: [systemDf, alias(info, 'info')],
};

export const commands: Command[] = [
  // Management commands
  image,
  system,
  // Commands
  build,
  history,
  images,
  importCmd,
  info,
  inspect,
  load,
  rmi,
  save,
  tag,
  version,
];
