/**
 * @module cli/commands/image
 * `berth image COMMAND`: the image management command (ls, rm, prune, inspect, history,
 * tag, save, load, import, pull, push), each the same command as its top-level form.
 */
import { build } from './build.js';
import { alias, type Command } from '../command.js';
import { history } from './history.js';
import { imageInspect } from './image-inspect.js';
import { imagePrune } from './image-prune.js';
import { images } from './images.js';
import { importCmd } from './import.js';
import { load } from './load.js';
import { pull } from './pull.js';
import { push } from './push.js';
import { rmi } from './rmi.js';
import { save } from './save.js';
import { tag } from './tag.js';
import { imageWaste } from './image-waste.js';

export const image: Command = {
  name: 'image',
  usage: 'COMMAND',
  description: 'Manage images',
  subcommands: [
    build,
    history,
    importCmd,
    imageInspect,
    load,
    alias(images, 'ls', ['list']),
    imagePrune,
    imageWaste,
    pull,
    push,
    alias(rmi, 'rm', ['rmi', 'remove']),
    save,
    tag,
  ],
};
