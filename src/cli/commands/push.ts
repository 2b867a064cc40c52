/**
 * @module cli/commands/push
 * `berth push [-a] [-q] NAME[:TAG]` (also `berth image push`): POST /images/{name}/push with
 * the stored credentials; progress as docker shows it.
 */
import { ExitError, type Command } from '../command.js';
import { registryAuthHeader } from '../credentials.js';
import { JsonProgressDisplay } from '../format/json-progress.js';
import { checkRef, fullRepo, splitRef } from './registry-ref.js';

export const push: Command = {
  name: 'push',
  usage: '[OPTIONS] NAME[:TAG]',
  description: 'Upload an image to a registry',
  args: { min: 1, max: 1 },
  flags: [
    { long: 'all-tags', short: 'a', type: 'bool', help: 'Push all tags of an image to the repository' },
    { long: 'quiet', short: 'q', type: 'bool', help: 'Suppress verbose output' },
  ],
  async run(ctx, args, flags) {
    const image = args[0]!;
    checkRef(image);
    const r = splitRef(image);
    if (r.digest) throw new ExitError(1, 'cannot push a digest reference');
    const all = flags.bool('all-tags');
    if (all && r.tag) throw new ExitError(1, "tag can't be used with --all-tags/-a");
    const quiet = flags.bool('quiet');
    const tag = all ? undefined : r.tag ?? 'latest';
    const client = await ctx.client();
    const display = new JsonProgressDisplay(
      quiet ? { write: () => true } : { write: (s: string) => ctx.stdout.write(s), columns: ctx.stdout.columns },
      !quiet && ctx.stdout.isTTY === true,
    );
    await client.jsonStream(
      'POST',
      `/images/${encodeURIComponent(r.repo)}/push`,
      { query: { tag }, headers: { 'X-Registry-Auth': await registryAuthHeader(ctx.env, r.repo) } },
      (m) => display.message(m),
    );
    if (display.error !== undefined) throw new ExitError(1, display.error);
    if (quiet) ctx.out(`${fullRepo(r.repo)}${tag ? `:${tag}` : ''}\n`);
  },
};
