/**
 * @module cli/commands/version
 * `berth version`: client and server versions, laid out as `docker version` lays them out.
 */
import { arch } from 'node:os';
import type { VersionResponse } from '../../api/types/system.js';
import { CLIENT_API_VERSION } from '../../client/client.js';
import { BERTH_VERSION } from '../../util/version.js';
import type { Command } from '../command.js';
import { renderOne } from '../format/output.js';
import { TemplateExecError } from '../format/template.js';
import { tabulate } from '../format/tabwriter.js';

const goArch = arch() === 'x64' ? 'amd64' : arch();

export const version: Command = {
  name: 'version',
  usage: '[OPTIONS]',
  description: 'Show the berth version information',
  args: { max: 0 },
  flags: [{ long: 'format', short: 'f', type: 'string', help: 'Format output using a custom template' }],
  async run(ctx, _args, flags) {
    const clientInfo = {
      Platform: { Name: '' },
      Version: BERTH_VERSION,
      ApiVersion: CLIENT_API_VERSION,
      DefaultAPIVersion: CLIENT_API_VERSION,
      GoVersion: `node${process.versions.node}`,
      GitCommit: '',
      BuildTime: '',
      Os: 'linux',
      Arch: goArch,
      Context: 'default',
    };
    let server: VersionResponse | undefined;
    let serverError: unknown;
    try {
      const client = await ctx.client();
      server = await client.json<VersionResponse>('GET', '/version');
    } catch (e) {
      serverError = e;
    }
    if (flags.string('format')) {
      try {
        ctx.out(renderOne(flags.string('format'), { Client: clientInfo, Server: server ?? null }));
      } catch (e) {
        // Without a server, `{{.Server…}}` cannot run: docker prints the line's end and reports
        // the connection, not the template.
        if (!serverError || !(e instanceof TemplateExecError)) throw e;
        ctx.out('\n');
      }
    } else {
      let text =
        `Client:\n Version:\t${clientInfo.Version}\n API version:\t${clientInfo.ApiVersion}\n` +
        ` Node version:\t${process.version}\n OS/Arch:\t${clientInfo.Os}/${clientInfo.Arch}\n`;
      if (server) {
        text += `\nServer:${server.Platform?.Name ? ` ${server.Platform.Name}` : ''}\n`;
        for (const c of server.Components ?? []) {
          text += ` ${c.Name}:\n`;
          if (c.Name === 'Engine') {
            const d = c.Details ?? {};
            text +=
              `  Version:\t${c.Version}\n  API version:\t${server.ApiVersion} (minimum version ${server.MinAPIVersion})\n` +
              `  Node version:\t${(d.GoVersion ?? server.GoVersion).replace(/^node/, 'v')}\n` +
              `  OS/Arch:\t${server.Os}/${server.Arch}\n  Kernel:\t${server.KernelVersion}\n` +
              `  Experimental:\t${d.Experimental ?? 'false'}\n`;
          } else {
            text += `  Version:\t${c.Version}\n`;
            for (const [k, v] of Object.entries(c.Details ?? {})) text += `  ${k}:\t${v}\n`;
          }
        }
      }
      ctx.out(tabulate(text.replace(/\n$/, ''), { minWidth: 20, padding: 1 }) + '\n');
    }
    if (serverError) throw serverError;
  },
};
