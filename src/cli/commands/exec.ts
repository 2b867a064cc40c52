/**
 * @module cli/commands/exec
 * `berth exec [OPTIONS] CONTAINER COMMAND [ARG...]`: create the exec, start it on a hijacked
 * connection (or detached with -d), follow the terminal size with -t, and exit with the
 * command's exit status (from GET /exec/{id}/json).
 */
import type { ExecInspect } from '../../api/types/containers.js';
import { ExitError, type Command } from '../command.js';
import { envValues } from './container-options.js';
import { enc } from './container-each.js';
import { followTerminalSize, streamConnection } from './container-stream.js';

export const exec: Command = {
  name: 'exec',
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  description: 'Execute a command in a running container',
  args: { min: 2 },
  interspersed: false,
  flags: [
    { long: 'detach', short: 'd', type: 'bool', help: 'Detached mode: run command in the background' },
    { long: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container', placeholder: 'string' },
    { long: 'env', short: 'e', type: 'list', help: 'Set environment variables', placeholder: 'list' },
    { long: 'env-file', type: 'list', help: 'Read in a file of environment variables', placeholder: 'list' },
    { long: 'interactive', short: 'i', type: 'bool', help: 'Keep STDIN open even if not attached' },
    { long: 'privileged', type: 'bool', help: 'Give extended privileges to the command' },
    { long: 'tty', short: 't', type: 'bool', help: 'Allocate a pseudo-TTY' },
    { long: 'user', short: 'u', type: 'string', help: 'Username or UID (format: "<name|uid>[:<group|gid>]")', placeholder: 'string' },
    { long: 'workdir', short: 'w', type: 'string', help: 'Working directory inside the container', placeholder: 'string' },
  ],
  async run(ctx, args, flags) {
    const [container, ...cmd] = args as [string, ...string[]];
    const detach = flags.bool('detach');
    const tty = flags.bool('tty');
    const interactive = flags.bool('interactive');
    if (tty && interactive && !detach && !ctx.stdin.isTTY) throw new ExitError(1, 'the input device is not a TTY');
    const client = await ctx.client();
    const { Id } = await client.json<{ Id: string }>('POST', `/containers/${enc(container)}/exec`, {
      body: {
        User: flags.string('user'), Privileged: flags.bool('privileged'), Tty: tty, AttachStdin: interactive && !detach, AttachStdout: !detach,
        AttachStderr: !detach, Detach: detach, DetachKeys: flags.string('detach-keys'), Env: envValues(flags.list('env'), flags.list('env-file'), ctx),
        WorkingDir: flags.string('workdir'), Cmd: cmd,
      },
    });
    if (detach) {
      (await client.request('POST', `/exec/${Id}/start`, { body: { Detach: true, Tty: tty } })).resume();
      return 0;
    }
    const socket = await client.hijack('POST', `/exec/${Id}/start`, { body: { Detach: false, Tty: tty } });
    socket.pause();
    const stopResize = tty ? followTerminalSize(client, `/exec/${Id}/resize`, ctx.stdout) : () => {};
    const how = await streamConnection(socket, { tty, stdin: interactive, detachKeys: flags.string('detach-keys'), out: ctx.stdout, err: ctx.stderr, input: ctx.stdin });
    stopResize();
    if (how === 'detached') return 0;
    const info = await client.json<ExecInspect>('GET', `/exec/${Id}/json`);
    return info.ExitCode ?? 0;
  },
};
