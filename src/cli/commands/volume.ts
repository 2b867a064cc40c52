/**
 * @module cli/commands/volume
 * `berth volume create|ls|inspect|rm|prune`, as docker prints them.
 */
import type { VolumeListResponse, VolumePruneReport, VolumeWire } from '../../api/types/containers.js';
import type { Command } from '../command.js';
import { renderList } from '../format/output.js';
import { humanSize } from '../format/units.js';
import { enc } from './container-each.js';
import { confirm } from './container-prune.js';
import { filtersOf } from './images.js';
import { inspectEach, removeEach } from './object-each.js';

function kv(list: string[]): Record<string, string> {
  return Object.fromEntries(list.map((x) => [x.split('=')[0]!, x.slice(x.indexOf('=') + 1)]));
}

const create: Command = {
  name: 'create',
  usage: '[OPTIONS] [VOLUME]',
  description: 'Create a volume',
  args: { max: 1 },
  flags: [
    { long: 'driver', short: 'd', type: 'string', help: 'Specify volume driver name', default: 'local', placeholder: 'string' },
    { long: 'label', type: 'list', help: 'Set metadata for a volume', placeholder: 'list' },
    { long: 'name', type: 'string', help: 'Specify volume name', placeholder: 'string', hidden: true },
    { long: 'opt', short: 'o', type: 'list', help: 'Set driver specific options', placeholder: 'map' },
  ],
  async run(ctx, args, flags) {
    const name = args[0] ?? flags.string('name');
    const v = await (await ctx.client()).json<VolumeWire>('POST', '/volumes/create', {
      body: { Name: name, Driver: flags.string('driver'), DriverOpts: kv(flags.list('opt')), Labels: kv(flags.list('label')) },
    });
    ctx.out(`${v.Name}\n`);
  },
};

const ls: Command = {
  name: 'ls',
  aliases: ['list'],
  usage: '[OPTIONS]',
  description: 'List volumes',
  args: { max: 0 },
  flags: [
    { long: 'filter', short: 'f', type: 'list', help: "Provide filter values (e.g. 'dangling=true')", placeholder: 'filter' },
    { long: 'format', type: 'string', help: 'Format output using a custom template', placeholder: 'string' },
    { long: 'quiet', short: 'q', type: 'bool', help: 'Only display volume names' },
  ],
  async run(ctx, _args, flags) {
    const r = await (await ctx.client()).json<VolumeListResponse>('GET', '/volumes', { query: { filters: filtersOf(flags.list('filter')) } });
    const rows = r.Volumes.map((v) => ({ ...v, Driver: v.Driver, Name: v.Name, Mountpoint: v.Mountpoint, Scope: v.Scope }));
    ctx.out(renderList(flags.string('format') || undefined, rows, { defaultTable: 'table {{.Driver}}\t{{.Name}}', headers: { Driver: 'DRIVER', Name: 'VOLUME NAME' } }, flags.bool('quiet') ? 'Name' : undefined));
  },
};

const inspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Display detailed information on one or more volumes',
  args: { min: 1 },
  flags: [{ long: 'format', short: 'f', type: 'string', help: 'Format output using a custom template', placeholder: 'string' }],
  async run(ctx, args, flags) {
    await inspectEach(ctx, args, { kind: 'volume', format: flags.string('format'), get: (client, n) => client.json<VolumeWire>('GET', `/volumes/${enc(n)}`) });
  },
};

const rm: Command = {
  name: 'rm',
  aliases: ['remove'],
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Remove one or more volumes',
  args: { min: 1 },
  flags: [{ long: 'force', short: 'f', type: 'bool', help: 'Force the removal of one or more volumes' }],
  async run(ctx, args, flags) {
    const query = { force: flags.bool('force') ? 1 : undefined };
    await removeEach(ctx, args, async (client, n) => {
      (await client.request('DELETE', `/volumes/${enc(n)}`, { query })).resume();
    });
  },
};

const prune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  description: 'Remove unused local volumes',
  args: { max: 0 },
  flags: [
    { long: 'all', short: 'a', type: 'bool', help: 'Remove all unused volumes, not just anonymous ones' },
    { long: 'filter', type: 'list', help: "Provide filter values (e.g. 'label=<label>')", placeholder: 'filter' },
    { long: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  async run(ctx, _args, flags) {
    if (!flags.bool('force') && !(await confirm(ctx, 'WARNING! This will remove all local volumes not used by at least one container.'))) return;
    const filters = flags.list('filter');
    if (flags.bool('all')) filters.push('all=true');
    const r = await (await ctx.client()).json<VolumePruneReport>('POST', '/volumes/prune', { query: { filters: filtersOf(filters) } });
    if (r.VolumesDeleted?.length) ctx.out(`Deleted Volumes:\n${r.VolumesDeleted.join('\n')}\n\n`);
    ctx.out(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
  },
};

export const volume: Command = {
  name: 'volume',
  usage: 'COMMAND',
  description: 'Manage volumes',
  subcommands: [create, inspect, ls, prune, rm],
};
