/**
 * @module cli/commands/info
 * `berth info`: system-wide information, in `docker info`'s layout.
 */
import type { InfoResponse } from '../../api/types/system.js';
import { BERTH_VERSION } from '../../util/version.js';
import type { Command } from '../command.js';
import { renderOne } from '../format/output.js';
import { bytesSize } from '../format/units.js';

export const info: Command = {
  name: 'info',
  usage: '[OPTIONS]',
  description: 'Display system-wide information',
  args: { max: 0 },
  flags: [{ long: 'format', short: 'f', type: 'string', help: 'Format output using a custom template' }],
  async run(ctx, _args, flags) {
    const client = await ctx.client();
    const i = await client.json<InfoResponse>('GET', '/info');
    if (flags.string('format')) {
      ctx.out(renderOne(flags.string('format'), i));
      return;
    }
    const lines = [
      'Client:',
      ` Version:    ${BERTH_VERSION}`,
      ' Context:    default',
      ` Debug Mode: false`,
      '',
      'Server:',
      ` Containers: ${i.Containers}`,
      `  Running: ${i.ContainersRunning}`,
      `  Paused: ${i.ContainersPaused}`,
      `  Stopped: ${i.ContainersStopped}`,
      ` Images: ${i.Images}`,
      ` Server Version: ${i.ServerVersion}`,
      ` Storage Driver: ${i.Driver}`,
      ...i.DriverStatus.map(([k, v]) => `  ${k}: ${v}`),
      ` Logging Driver: ${i.LoggingDriver}`,
      ` Cgroup Driver: ${i.CgroupDriver}`,
      ` Cgroup Version: ${i.CgroupVersion}`,
      ' Plugins:',
      `  Volume: ${i.Plugins.Volume.join(' ')}`,
      `  Network: ${i.Plugins.Network.join(' ')}`,
      `  Log: ${i.Plugins.Log.join(' ')}`,
      ` Swarm: ${i.Swarm.LocalNodeState}`,
      ` Runtimes: ${Object.keys(i.Runtimes).join(' ')}`,
      ` Default Runtime: ${i.DefaultRuntime}`,
      ` Init Binary: ${i.InitBinary}`,
      ` runc version: ${i.RuncCommit.ID}`,
      ...securityLines(i.SecurityOptions ?? []),
      ` Kernel Version: ${i.KernelVersion}`,
      ` Operating System: ${i.OperatingSystem}`,
      ` OSType: ${i.OSType}`,
      ` Architecture: ${i.Architecture}`,
      ` CPUs: ${i.NCPU}`,
      ` Total Memory: ${bytesSize(i.MemTotal)}`,
      ` Name: ${i.Name}`,
      ` ID: ${i.ID}`,
      ` Docker Root Dir: ${i.DockerRootDir}`,
      ` Debug Mode: ${i.Debug}`,
      ' Experimental: false',
      ' Insecure Registries:',
      ...Object.values(i.RegistryConfig.IndexConfigs).filter((x) => !x.Secure).map((x) => `  ${x.Name}`),
      ...i.RegistryConfig.InsecureRegistryCIDRs.map((c) => `  ${c}`),
      ...(i.RegistryConfig.Mirrors.length ? [' Registry Mirrors:', ...i.RegistryConfig.Mirrors.map((m) => `  ${m}`)] : []),
      ` Live Restore Enabled: ${i.LiveRestoreEnabled}`,
    ];
    ctx.out(lines.join('\n') + '\n');
  },
};

/** Docker's rendering of SecurityOptions ("name=seccomp,profile=default" → "  seccomp" / "   Profile: default"). */
function securityLines(opts: string[]): string[] {
  if (!opts.length) return [];
  const out = [' Security Options:'];
  for (const o of opts) {
    for (const kv of o.split(',')) {
      const [k, v = ''] = kv.split('=', 2) as [string, string?];
      if (k === 'name') out.push(`  ${v}`);
      else if (k) out.push(`   ${k[0]!.toUpperCase()}${k.slice(1)}: ${v}`);
    }
  }
  return out;
}
