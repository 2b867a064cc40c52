/**
 * @module cli/commands/run
 * `berth run [OPTIONS] IMAGE [COMMAND] [ARG...]`: create, then attach (before start, so no
 * output is missed), wait (`removed` with --rm, else `next-exit`), start; stream until the
 * container ends and exit with its status. `-d` prints the ID instead. Start failures exit
 * 127 (command not found), 126 (not runnable) or 125, with Docker's message.
 */
import { readAll } from '../../client/client.js';
import { ExitError, type Command } from '../command.js';
import { FlagError } from '../../util/flags.js';
import { buildCreateRequest, createFlags, runOnlyFlags } from './container-options.js';
import { commandError, createContainer } from './container-create.js';
import { followTerminalSize, startErrorStatus, streamConnection } from './container-stream.js';
import { messageOf } from '../../errdefs/index.js';

export const run: Command = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create and run a new container from an image',
  args: { min: 1 },
  interspersed: false,
  flags: [...createFlags, ...runOnlyFlags],
  async run(ctx, args, flags) {
    const detach = flags.bool('detach');
    const rm = flags.bool('rm');
    const restart = flags.string('restart');
    if (rm && restart && restart !== 'no') throw new FlagError('Conflicting options: --restart and --rm');
    const tty = flags.bool('tty');
    const interactive = flags.bool('interactive');
    if (tty && interactive && !detach && !ctx.stdin.isTTY) throw new ExitError(1, 'the input device is not a TTY');
    const size: [number, number] | undefined = tty && ctx.stdout.isTTY ? [ctx.stdout.rows ?? 0, ctx.stdout.columns ?? 0] : undefined;
    const plan = buildCreateRequest(flags, args, { detach, stdinIsTty: !!ctx.stdin.isTTY, size, caller: ctx });
    const client = await ctx.client();
    const id = await createContainer(ctx, client, plan, 'run', { pull: flags.string('pull'), quiet: flags.bool('quiet'), cidfile: flags.string('cidfile') || undefined });
    const start = async () => {
      try {
        (await client.request('POST', `/containers/${id}/start`)).resume();
      } catch (e) {
        throw commandError('run', e, startErrorStatus(messageOf(e)));
      }
    };
    if (detach) {
      await start();
      ctx.out(`${id}\n`);
      return 0;
    }
    const body = plan.body;
    // Attach and wait are both in place (headers received) before start, as the docker CLI does.
    const [socket, waitRes] = await Promise.all([
      client
        .hijack('POST', `/containers/${id}/attach`, {
          query: { stream: 1, stdin: body.AttachStdin ? 1 : undefined, stdout: body.AttachStdout ? 1 : undefined, stderr: body.AttachStderr ? 1 : undefined, detachKeys: flags.string('detach-keys') || undefined },
        })
        .then((s) => (s.pause(), s)),
      client.request('POST', `/containers/${id}/wait`, { query: { condition: rm ? 'removed' : 'next-exit' } }),
    ]);
    const waited = readAll(waitRes);
    try {
      await start();
    } catch (e) {
      socket.destroy();
      waitRes.destroy();
      throw e;
    }
    const stopResize = tty ? followTerminalSize(client, `/containers/${id}/resize`, ctx.stdout) : () => {};
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
    const proxy = (sig: NodeJS.Signals) => void client.request('POST', `/containers/${id}/kill`, { query: { signal: sig } }).then((r) => r.resume(), () => {});
    const stopProxy = !tty && flags.bool('sig-proxy') ? ctx.onSignals(signals, proxy) : () => {};
    const how = await streamConnection(socket, { tty, stdin: !!body.AttachStdin, detachKeys: flags.string('detach-keys'), out: ctx.stdout, err: ctx.stderr, input: ctx.stdin });
    stopResize();
    stopProxy();
    if (how === 'detached') {
      waitRes.destroy();
      return 0;
    }
    const text = (await waited).toString('utf8').trim();
    try {
      const r = JSON.parse(text) as { StatusCode: number; Error?: { Message: string } | null };
      if (r.Error?.Message) ctx.err(`berth: Error response from daemon: ${r.Error.Message}\n`);
      return r.StatusCode;
    } catch {
      return 125;
    }
  },
};
