/**
 * @module cli/commands/commit
 * `berth commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]` (also `berth container commit`): an
 * image of the container's changes; prints its ID. The container is paused meanwhile unless
 * `--pause=false` (or `--no-pause`).
 */
import type { Command } from '../command.js';

export const commit: Command = {
  name: 'commit',
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  description: "Create a new image from a container's changes",
  args: { min: 1, max: 2 },
  flags: [
    { long: 'author', short: 'a', type: 'string', help: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")', placeholder: 'string' },
    { long: 'change', short: 'c', type: 'list', help: 'Apply Dockerfile instruction to the created image', placeholder: 'list' },
    { long: 'message', short: 'm', type: 'string', help: 'Commit message', placeholder: 'string' },
    { long: 'no-pause', type: 'bool', help: 'Disable pausing container during commit' },
    { long: 'pause', short: 'p', type: 'bool', help: 'Pause container during commit', default: true, hidden: true },
  ],
  async run(ctx, args, flags) {
    const pause = flags.bool('pause') && !flags.bool('no-pause');
    const client = await ctx.client();
    const res = await client.json<{ Id: string }>('POST', '/commit', {
      query: {
        container: args[0]!,
        repo: args[1] ?? '',
        tag: '',
        comment: flags.string('message'),
        author: flags.string('author'),
        changes: flags.list('change'),
        pause: pause ? '1' : '0',
      },
    });
    ctx.out(`${res.Id}\n`);
  },
};

