/**
 * @module cli/commands/pull
 * `berth pull [-a] [-q] [--platform P] NAME[:TAG|@DIGEST]` (also `berth image pull`): sends
 * POST /images/create with the stored credentials, shows the progress as docker does (live
 * lines on a terminal, plain lines otherwise), then prints the fully qualified reference.
 */
import { ExitError, type CliContext, type Command } from '../command.js';
import { registryAuthHeader } from '../credentials.js';
import { JsonProgressDisplay } from '../format/json-progress.js';
import { checkRef, fullRepo, splitRef } from './registry-ref.js';

/** Pulls `image`, showing progress on `out` (nothing with `quiet`). Throws ExitError on failure. */
export async function pullImage(
  ctx: CliContext, image: string, opts: { all?: boolean; quiet?: boolean; platform?: string; out?: 'stdout' | 'stderr' } = {},
): Promise<string> {
  checkRef(image);
  const r = splitRef(image);
  if (opts.all && (r.tag || r.digest)) throw new ExitError(1, "tag can't be used with --all-tags/-a");
  const tag = r.digest ?? r.tag ?? (opts.all ? undefined : 'latest');
  const client = await ctx.client();
  const stream = opts.out === 'stderr' ? ctx.stderr : ctx.stdout;
  const display = new JsonProgressDisplay(
    opts.quiet ? { write: () => true } : { write: (s: string) => stream.write(s), columns: stream.columns },
    !opts.quiet && stream.isTTY === true,
  );
  await client.jsonStream(
    'POST',
    '/images/create',
    {
      query: { fromImage: r.repo, tag, platform: opts.platform || undefined },
      headers: { 'X-Registry-Auth': await registryAuthHeader(ctx.env, r.repo) },
    },
    (m) => display.message(m),
  );
  if (display.error !== undefined) throw new ExitError(1, display.error);
  return fullRepo(r.repo) + (r.digest ? `@${r.digest}` : tag ? `:${tag}` : '');
}

export const pull: Command = {
  name: 'pull',
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  description: 'Download an image from a registry',
  args: { min: 1, max: 1 },
  flags: [
    { long: 'all-tags', short: 'a', type: 'bool', help: 'Download all tagged images in the repository' },
    { long: 'platform', type: 'string', help: 'Set platform if server is multi-platform capable', placeholder: 'string' },
    { long: 'quiet', short: 'q', type: 'bool', help: 'Suppress verbose output' },
  ],
  async run(ctx, args, flags) {
    const all = flags.bool('all-tags');
    const name = await pullImage(ctx, args[0]!, { all, quiet: flags.bool('quiet'), platform: flags.string('platform') });
    if (!all) ctx.out(`${name}\n`);
  },
};
