/**
 * @module cli/commands/port
 * `berth port CONTAINER [PRIVATE_PORT[/PROTO]]`: the container's published ports, one line per
 * host binding (`80/tcp -> 0.0.0.0:32768`, IPv6 in brackets), as docker prints them.
 */
import { ExitError, type Command } from '../command.js';
import { enc } from './container-each.js';

type Ports = Record<string, { HostIp: string; HostPort: string }[] | null>;

function hostAddr(ip: string, port: string): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export const port: Command = {
  name: 'port',
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  description: 'List port mappings or a specific mapping for the container',
  args: { min: 1, max: 2 },
  async run(ctx, args) {
    const c = await (await ctx.client()).json<{ NetworkSettings?: { Ports?: Ports | null } }>('GET', `/containers/${enc(args[0]!)}/json`);
    const ports = c.NetworkSettings?.Ports ?? {};
    if (args[1] !== undefined) {
      const [p, proto = 'tcp'] = args[1].split('/', 2) as [string, string?];
      const key = `${p}/${proto}`;
      const bindings = ports[key];
      if (!bindings?.length) throw new ExitError(1, `Error: No public port '${key}' published for ${args[0]}`);
      for (const b of bindings) ctx.out(`${hostAddr(b.HostIp, b.HostPort)}\n`);
      return;
    }
    const keys = Object.keys(ports).sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
    for (const k of keys) for (const b of ports[k] ?? []) ctx.out(`${k} -> ${hostAddr(b.HostIp, b.HostPort)}\n`);
  },
};
