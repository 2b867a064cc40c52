/**
 * @module cli/commands
 * Every berth command, in help order. Each area adds its commands here.
 */
import { alias, type Command } from '../command.js';
import { attach } from './attach.js';
import { build } from './build.js';
import { container, exportCmd } from './container.js';
import { cp } from './cp.js';
import { create } from './create.js';
import { exec } from './exec.js';
import { kill } from './kill.js';
import { logs } from './logs.js';
import { network } from './network.js';
import { pause, unpause } from './pause.js';
import { commit } from './commit.js';
import { diff } from './diff.js';
import { update } from './update.js';
import { port } from './port.js';
import { ps } from './ps.js';
import { rename } from './rename.js';
import { restart } from './restart.js';
import { rm } from './rm.js';
import { run } from './run.js';
import { start } from './start.js';
import { events } from './events.js';
import { stats } from './stats.js';
import { stop } from './stop.js';
import { top } from './top.js';
import { volume } from './volume.js';
import { wait } from './wait.js';
import { history } from './history.js';
import { image } from './image.js';
import { inspect } from './image-inspect.js';
import { images } from './images.js';
import { importCmd } from './import.js';
import { load } from './load.js';
import { rmi } from './rmi.js';
import { save } from './save.js';
import { systemDf } from './system-df.js';
import { builder, systemPrune } from './system-prune.js';
import { tag } from './tag.js';
import { info } from './info.js';
import { login, logout } from './login.js';
import { pull } from './pull.js';
import { push } from './push.js';
import { version } from './version.js';

const system: Command = {
  name: 'system',
  usage: 'COMMAND',
  description: 'Manage berth',
  subcommands: [systemDf, alias(info, 'info'), systemPrune],
};

export const commands: Command[] = [
  // Management commands
  builder,
  container,
  image,
  network,
  system,
  volume,
  // Commands
  attach,
  build,
  commit,
  cp,
  create,
  diff,
  exec,
  exportCmd,
  history,
  images,
  importCmd,
  info,
  inspect,
  kill,
  load,
  login,
  logout,
  logs,
  pause,
  port,
  ps,
  pull,
  push,
  rename,
  restart,
  rm,
  rmi,
  run,
  save,
  start,
  stats,
  events,
  stop,
  tag,
  top,
  unpause,
  update,
  version,
  wait,
];
