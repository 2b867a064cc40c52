/**
 * @module builder/mounts/mount-inputs
 * The first half of `RUN --mount`: each mount's defaults applied and its input found, before the
 * step's cache is probed, with the parts the mounts add to the step's cache key.
 *
 * BuildKit's defaults: a relative target is under WORKDIR; a cache id defaults to its target; a
 * secret's id defaults to its target's base name and its target to `/run/secrets/<id>` (none
 * when only `env` is asked for); an ssh mount's id is `default` and its target
 * `/run/buildkit/ssh_agent.<N>`. A bind (or cache seed) reads the build context, or with `from`
 * a stage or an image.
 *
 * What goes into the key: a bind's input (the checksum of the context files it shows, or the
 * image it reads) and every mount's options. Never a cache mount's content, never a secret's.
 */
import { posix } from 'node:path';
import { InvalidArgument } from '../../errdefs/index.js';
import type { Digest } from '../../image/digest.js';
import type { StageState } from '../solver/state.js';
import type { StepContext } from '../solver/step-context.js';
import { resolveSources, sourceChecksum, type ResolvedSource } from '../steps/copy-sources.js';
import type { MountSpec } from '../steps/types.js';

/** Where a bind mount (or a cache mount's seed) reads from. */
export type MountFrom =
  | { kind: 'context'; src: ResolvedSource; checksum: string }
  | { kind: 'image'; id: string; top: Digest | null; source: string };

export interface MountInput {
  spec: MountSpec;
  /** Absolute target in the container ('' for a secret exposed only as a variable). */
  target: string;
  /** cache, secret, ssh: the id. */
  id: string;
  from?: MountFrom;
}

function absTarget(workdir: string, target: string): string {
  return target.startsWith('/') ? posix.normalize(target) : posix.join('/', workdir || '/', target);
}

async function fromImage(ctx: StepContext, state: StageState, from: string, source: string): Promise<MountFrom> {
  const run = ctx.run;
  const ix = run.resolveStageRef(state.index, from, true);
  if (ix !== undefined) {
    const r = run.stages.get(ix);
    if (!r) throw new InvalidArgument(`invalid from flag value ${from}: stage ${ix} has not been built`);
    return { kind: 'image', id: r.id, top: r.id ? run.backend.images.get(r.id)?.topChainId ?? null : null, source };
  }
  let img;
  try {
    img = await run.backend.images.resolveForBuild(from, false, undefined, run.options.registryAuths);
  } catch (e) {
    throw new InvalidArgument(`invalid from flag value ${from}: ${(e as Error).message}`, { cause: e });
  }
  return { kind: 'image', id: img.record.id, top: img.topChainId, source };
}

async function fromOf(ctx: StepContext, state: StageState, m: MountSpec): Promise<MountFrom> {
  const source = m.source ?? '/';
  if (m.from) return fromImage(ctx, state, m.from, source);
  const tree = ctx.run.context;
  const [src] = resolveSources(tree, [source === '/' ? '.' : source], { strict: true });
  return { kind: 'context', src: src!, checksum: await sourceChecksum(tree, src!, false) };
}

/** Applies defaults and finds inputs; returns the inputs and their cache key parts. */
export async function resolveMounts(ctx: StepContext, state: StageState, mounts: readonly MountSpec[]): Promise<{ inputs: MountInput[]; key: [string, string][] }> {
  const workdir = state.runConfig.WorkingDir;
  const inputs: MountInput[] = [];
  const key: [string, string][] = [];
  let sshCount = 0;
  for (const m of mounts) {
    let target = m.target ? absTarget(workdir, m.target) : '';
    let id = '';
    let from: MountFrom | undefined;
    switch (m.type) {
      case 'bind':
      case 'cache':
      case 'tmpfs':
        if (!target) throw new InvalidArgument(`mount type ${m.type} requires a target`);
        if (target === '/') throw new InvalidArgument(`invalid mount target "${target}"`);
        if (m.type === 'cache') id = m.id || posix.normalize(m.target!);
        if (m.type === 'bind' || (m.type === 'cache' && m.from)) from = await fromOf(ctx, state, m);
        break;
      case 'secret':
        id = m.id || m.source || (m.target ? posix.basename(m.target) : '');
        if (!id) throw new InvalidArgument('invalid secret mount. one of source, target required');
        if (!target && !m.env) target = `/run/secrets/${id}`;
        break;
      case 'ssh':
        id = m.id || 'default';
        if (!target) target = `/run/buildkit/ssh_agent.${sshCount}`;
        sshCount++;
        break;
    }
    const opts = [
      `target=${target}`, id ? `id=${id}` : '', m.readOnly ? 'ro' : 'rw', m.sharing ? `sharing=${m.sharing}` : '',
      m.sizeLimit !== undefined ? `size=${m.sizeLimit}` : '', m.env ? `env=${m.env}` : '', m.required ? 'required' : '',
      m.mode !== undefined ? `mode=${m.mode.toString(8)}` : '', m.uid !== undefined ? `uid=${m.uid}` : '', m.gid !== undefined ? `gid=${m.gid}` : '',
      from?.kind === 'context' ? `context:${from.src.path}:${from.checksum}` : '', from?.kind === 'image' ? `from:${from.id}:${from.source}` : '',
    ].filter(Boolean);
    key.push([`mount ${m.type}`, opts.join(',')]);
    inputs.push({ spec: m, target, id, ...(from ? { from } : {}) });
  }
  return { inputs, key };
}
