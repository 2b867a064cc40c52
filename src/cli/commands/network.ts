/**
 * @module cli/commands/network
 * `berth network create|ls|inspect|rm|prune|connect|disconnect`, as docker prints them.
 */
import type { NetworkCreateResponse, NetworkPruneReport, NetworkWire } from '../../api/types/networks.js';
import type { Command } from '../command.js';
import { FlagError } from '../../util/flags.js';
import { renderList } from '../format/output.js';
import { enc } from './container-each.js';
import { confirm } from './container-prune.js';
import { filtersOf } from './images.js';
import { inspectEach, removeEach } from './object-each.js';

function kv(list: string[]): Record<string, string> {
  return Object.fromEntries(list.map((x) => [x.split('=')[0]!, x.includes('=') ? x.slice(x.indexOf('=') + 1) : '']));
}

const create: Command = {
  name: 'create',
  usage: '[OPTIONS] NETWORK',
  description: 'Create a network',
  args: { min: 1, max: 1 },
  flags: [
    { long: 'attachable', type: 'bool', help: 'Enable manual container attachment' },
    { long: 'driver', short: 'd', type: 'string', help: 'Driver to manage the Network', default: 'bridge', placeholder: 'string' },
    { long: 'gateway', type: 'list', help: 'IPv4 or IPv6 Gateway for the master subnet', placeholder: 'strings' },
    { long: 'internal', type: 'bool', help: 'Restrict external access to the network' },
    { long: 'ip-range', type: 'list', help: 'Allocate container ip from a sub-range', placeholder: 'strings' },
    { long: 'ipam-driver', type: 'string', help: 'IP Address Management Driver', default: 'default', placeholder: 'string' },
    { long: 'ipv6', type: 'bool', help: 'Enable or disable IPv6 networking' },
    { long: 'label', type: 'list', help: 'Set metadata on a network', placeholder: 'list' },
    { long: 'opt', short: 'o', type: 'list', help: 'Set driver specific options', placeholder: 'map' },
    { long: 'subnet', type: 'list', help: 'Subnet in CIDR format that represents a network segment', placeholder: 'strings' },
  ],
  async run(ctx, args, flags) {
    const subnets = flags.list('subnet');
    const gateways = flags.list('gateway');
    const ranges = flags.list('ip-range');
    if (gateways.length > subnets.length || ranges.length > subnets.length) throw new FlagError('every ip-range or gateway must have a corresponding subnet');
    const config = subnets.map((s, i) => ({ Subnet: s, ...(gateways[i] ? { Gateway: gateways[i] } : {}), ...(ranges[i] ? { IPRange: ranges[i] } : {}) }));
    const r = await (await ctx.client()).json<NetworkCreateResponse>('POST', '/networks/create', {
      body: {
        Name: args[0], CheckDuplicate: true, Driver: flags.string('driver'), Internal: flags.bool('internal'), Attachable: flags.bool('attachable'),
        EnableIPv6: flags.bool('ipv6'), IPAM: { Driver: flags.string('ipam-driver'), Config: config, Options: {} },
        Options: kv(flags.list('opt')), Labels: kv(flags.list('label')),
      },
    });
    ctx.out(`${r.Id}\n`);
  },
};

const ls: Command = {
  name: 'ls',
  aliases: ['list'],
  usage: '[OPTIONS]',
  description: 'List networks',
  args: { max: 0 },
  flags: [
    { long: 'filter', short: 'f', type: 'list', help: "Provide filter values (e.g. 'driver=bridge')", placeholder: 'filter' },
    { long: 'format', type: 'string', help: 'Format output using a custom template', placeholder: 'string' },
    { long: 'no-trunc', type: 'bool', help: 'Do not truncate the output' },
    { long: 'quiet', short: 'q', type: 'bool', help: 'Only display network IDs' },
  ],
  async run(ctx, _args, flags) {
    const list = await (await ctx.client()).json<NetworkWire[]>('GET', '/networks', { query: { filters: filtersOf(flags.list('filter')) } });
    const rows = list.map((n) => ({
      ID: flags.bool('no-trunc') ? n.Id : n.Id.slice(0, 12), Name: n.Name, Driver: n.Driver, Scope: n.Scope, IPv6: String(n.EnableIPv6),
      Internal: String(n.Internal), CreatedAt: n.Created, Labels: Object.entries(n.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
      Label: (k: string) => n.Labels?.[k] ?? '',
    }));
    ctx.out(renderList(flags.string('format') || undefined, rows, {
      defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
      headers: { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', CreatedAt: 'CREATED AT', Labels: 'LABELS' },
    }, flags.bool('quiet') ? 'ID' : undefined));
  },
};

const inspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  description: 'Display detailed information on one or more networks',
  args: { min: 1 },
  flags: [
    { long: 'format', short: 'f', type: 'string', help: 'Format output using a custom template', placeholder: 'string' },
    { long: 'verbose', short: 'v', type: 'bool', help: 'Verbose output for diagnostics' },
  ],
  async run(ctx, args, flags) {
    await inspectEach(ctx, args, { kind: 'network', format: flags.string('format'), get: (client, n) => client.json<NetworkWire>('GET', `/networks/${enc(n)}`) });
  },
};

const rm: Command = {
  name: 'rm',
  aliases: ['remove'],
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  description: 'Remove one or more networks',
  args: { min: 1 },
  flags: [{ long: 'force', short: 'f', type: 'bool', help: 'Do not error if the network does not exist' }],
  async run(ctx, args, flags) {
    await removeEach(ctx, args, async (client, n) => {
      (await client.request('DELETE', `/networks/${enc(n)}`)).resume();
    }, { ignoreMissing: flags.bool('force') });
  },
};

const prune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  description: 'Remove all unused networks',
  args: { max: 0 },
  flags: [
    { long: 'filter', type: 'list', help: "Provide filter values (e.g. 'until=<timestamp>')", placeholder: 'filter' },
    { long: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  async run(ctx, _args, flags) {
    if (!flags.bool('force') && !(await confirm(ctx, 'WARNING! This will remove all custom networks not used by at least one container.'))) return;
    const r = await (await ctx.client()).json<NetworkPruneReport>('POST', '/networks/prune', { query: { filters: filtersOf(flags.list('filter')) } });
    if (r.NetworksDeleted?.length) ctx.out(`Deleted Networks:\n${r.NetworksDeleted.join('\n')}\n`);
  },
};

const connect: Command = {
  name: 'connect',
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Connect a container to a network',
  args: { min: 2, max: 2 },
  flags: [
    { long: 'alias', type: 'list', help: 'Add network-scoped alias for the container', placeholder: 'strings' },
    { long: 'ip', type: 'string', help: 'IPv4 address (e.g., "172.30.100.104")', placeholder: 'string' },
    { long: 'mac-address', type: 'string', help: 'MAC address (e.g., "92:d0:c6:0a:29:33")', placeholder: 'string' },
  ],
  async run(ctx, args, flags) {
    (await (await ctx.client()).request('POST', `/networks/${enc(args[0]!)}/connect`, {
      body: {
        Container: args[1],
        EndpointConfig: {
          Aliases: flags.list('alias'), ...(flags.string('ip') ? { IPAMConfig: { IPv4Address: flags.string('ip') } } : {}),
          ...(flags.string('mac-address') ? { MacAddress: flags.string('mac-address') } : {}),
        },
      },
    })).resume();
  },
};

const disconnect: Command = {
  name: 'disconnect',
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Disconnect a container from a network',
  args: { min: 2, max: 2 },
  flags: [{ long: 'force', short: 'f', type: 'bool', help: 'Force the container to disconnect from a network' }],
  async run(ctx, args, flags) {
    (await (await ctx.client()).request('POST', `/networks/${enc(args[0]!)}/disconnect`, { body: { Container: args[1], Force: flags.bool('force') } })).resume();
  },
};

export const network: Command = {
  name: 'network',
  usage: 'COMMAND',
  description: 'Manage networks',
  subcommands: [connect, create, disconnect, inspect, ls, prune, rm],
};
