/**
 * @module cli/commands/container
 * `berth container COMMAND`: the container commands under their management names
 * (`container ls`, `container rm`, `container inspect`, …).
 */
import type { ContainerInspect } from '../../api/types/containers.js';
import { alias, ExitError, type Command } from '../command.js';
import { attach } from './attach.js';
import { enc } from './container-each.js';
import { containerPrune } from './container-prune.js';
import { cp } from './cp.js';
import { create } from './create.js';
import { exec } from './exec.js';
import { kill } from './kill.js';
import { logs } from './logs.js';
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
import { stats } from './stats.js';
import { stop } from './stop.js';
import { top } from './top.js';
import { wait } from './wait.js';
import { inspectEach } from './object-each.js';

const inspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Display detailed information on one or more containers',
  args: { min: 1 },
  flags: [
    { long: 'format', short: 'f', type: 'string', help: 'Format output using a custom template', placeholder: 'string' },
    { long: 'size', short: 's', type: 'bool', help: 'Display total file sizes' },
  ],
  async run(ctx, args, flags) {
    const query = { size: flags.bool('size') ? 1 : undefined };
    await inspectEach(ctx, args, {
      kind: 'container', format: flags.string('format'), escapeHtml: true,
      get: (client, n) => client.json<ContainerInspect>('GET', `/containers/${enc(n)}/json`, { query }),
    });
  },
};

const exportCmd: Command = {
  name: 'export',
  usage: '[OPTIONS] CONTAINER',
  description: "Export a container's filesystem as a tar archive",
  args: { min: 1, max: 1 },
  flags: [{ long: 'output', short: 'o', type: 'string', help: 'Write to a file, instead of STDOUT', placeholder: 'string' }],
  async run(ctx, args, flags) {
    const res = await (await ctx.client()).request('GET', `/containers/${enc(args[0]!)}/export`);
    const { createWriteStream } = await import('node:fs');
    const { pipeline } = await import('node:stream/promises');
    if (flags.string('output')) await pipeline(res, createWriteStream(ctx.resolve(flags.string('output'))));
    else if (ctx.stdout.isTTY) throw new ExitError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    else for await (const c of res) ctx.stdout.write(c as Buffer);
  },
};

export { exportCmd };

export const container: Command = {
  name: 'container',
  usage: 'COMMAND',
  description: 'Manage containers',
  subcommands: [
    attach, commit, cp, create, diff, exec, exportCmd, inspect, kill, logs, alias(ps, 'ls', ['list', 'ps']), pause, port, containerPrune, rename, restart,
    alias(rm, 'rm', ['remove']), run, start, stats, stop, top, unpause, update, wait,
  ],
};
