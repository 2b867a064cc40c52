/**
 * @module cli/commands/attach
 * `berth attach [OPTIONS] CONTAINER`: this terminal's input, output and size to a running
 * container until it exits (status: the container's) or the detach keys are typed.
 */
import type { ContainerInspect } from '../../api/types/containers.js';
import { readAll } from '../../client/client.js';
import { ExitError, type Command } from '../command.js';
import { enc } from './container-each.js';
import { followTerminalSize, streamConnection } from './container-stream.js';

export const attach: Command = {
  name: 'attach',
  usage: '[OPTIONS] CONTAINER',
  description: 'Attach local standard input, output, and error streams to a running container',
  args: { min: 1, max: 1 },
  flags: [
    { long: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container', placeholder: 'string' },
    { long: 'no-stdin', type: 'bool', help: 'Do not attach STDIN' },
    { long: 'sig-proxy', type: 'bool', help: 'Proxy all received signals to the process', default: true },
  ],
  async run(ctx, args, flags) {
    const client = await ctx.client();
    const name = enc(args[0]!);
    const info = await client.json<ContainerInspect>('GET', `/containers/${name}/json`);
    if (!info.State.Running) throw new ExitError(1, 'You cannot attach to a stopped container, start it first');
    if (info.State.Paused) throw new ExitError(1, 'You cannot attach to a paused container, unpause it first');
    const tty = !!info.Config.Tty;
    const stdin = !flags.bool('no-stdin') && !!info.Config.OpenStdin;
    if (stdin && tty && !ctx.stdin.isTTY) throw new ExitError(1, 'the input device is not a TTY');
    const socket = await client.hijack('POST', `/containers/${name}/attach`, {
      query: { stream: 1, stdin: stdin ? 1 : undefined, stdout: 1, stderr: 1, detachKeys: flags.string('detach-keys') || undefined },
    });
    socket.pause();
    const waitRes = await client.request('POST', `/containers/${name}/wait`, { query: { condition: 'next-exit' } });
    const waited = readAll(waitRes);
    const stopResize = tty ? followTerminalSize(client, `/containers/${name}/resize`, ctx.stdout) : () => {};
    const how = await streamConnection(socket, { tty, stdin, detachKeys: flags.string('detach-keys'), out: ctx.stdout, err: ctx.stderr, input: ctx.stdin });
    stopResize();
    if (how === 'detached') {
      waitRes.destroy();
      return 0;
    }
    try {
      return (JSON.parse((await waited).toString()) as { StatusCode: number }).StatusCode;
    } catch {
      return 0;
    }
  },
};
