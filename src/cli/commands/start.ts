/**
 * @module cli/commands/start
 * `berth start [-a] [-i] CONTAINER...`: starts each container and prints its name; with `-a`
 * (one container) attaches first and exits with the container's status.
 */
import type { ContainerInspect } from '../../api/types/containers.js';
import { isDaemonError, readAll } from '../../client/client.js';
import { messageOf } from '../../errdefs/index.js';
import { ExitError, type Command } from '../command.js';
import { enc, post } from './container-each.js';
import { followTerminalSize, startErrorStatus, streamConnection } from './container-stream.js';

export const start: Command = {
  name: 'start',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Start one or more stopped containers',
  args: { min: 1 },
  flags: [
    { long: 'attach', short: 'a', type: 'bool', help: 'Attach STDOUT/STDERR and forward signals' },
    { long: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container', placeholder: 'string' },
    { long: 'interactive', short: 'i', type: 'bool', help: "Attach container's STDIN" },
  ],
  async run(ctx, args, flags) {
    const client = await ctx.client();
    if (flags.bool('attach') || flags.bool('interactive')) {
      if (args.length > 1) throw new ExitError(1, 'you cannot start and attach multiple containers at once');
      const name = enc(args[0]!);
      const info = await client.json<ContainerInspect>('GET', `/containers/${name}/json`);
      const tty = !!info.Config.Tty;
      const stdin = flags.bool('interactive') && !!info.Config.OpenStdin;
      if (stdin && tty && !ctx.stdin.isTTY) throw new ExitError(1, 'the input device is not a TTY');
      const socket = await client.hijack('POST', `/containers/${name}/attach`, {
        query: { stream: 1, stdin: stdin ? 1 : undefined, stdout: 1, stderr: 1, detachKeys: flags.string('detach-keys') || undefined },
      });
    socket.pause();
      const waitRes = await client.request('POST', `/containers/${name}/wait`, { query: { condition: 'next-exit' } });
      const waited = readAll(waitRes);
      try {
        await post(client, `/containers/${name}/start`);
      } catch (e) {
        socket.destroy();
        waitRes.destroy();
        if (isDaemonError(e)) throw new ExitError(startErrorStatus(messageOf(e)) === 125 ? 1 : startErrorStatus(messageOf(e)), `Error response from daemon: ${messageOf(e)}`);
        throw e;
      }
      const stopResize = tty ? followTerminalSize(client, `/containers/${name}/resize`, ctx.stdout) : () => {};
      const how = await streamConnection(socket, { tty, stdin, detachKeys: flags.string('detach-keys'), out: ctx.stdout, err: ctx.stderr, input: ctx.stdin });
      stopResize();
      if (how === 'detached') return 0;
      try {
        return (JSON.parse((await waited).toString()) as { StatusCode: number }).StatusCode;
      } catch {
        return 0;
      }
    }
    const errors: string[] = [];
    const failed: string[] = [];
    for (const n of args) {
      try {
        await post(client, `/containers/${enc(n)}/start`);
        ctx.out(`${n}\n`);
      } catch (e) {
        if (!isDaemonError(e)) throw e;
        errors.push(`Error response from daemon: ${messageOf(e)}`);
        failed.push(n);
      }
    }
    if (errors.length) throw new ExitError(1, `${errors.join('\n')}\nError: failed to start containers: ${failed.join(', ')}`);
  },
};
