/**
 * @module builder/steps/copy
 * COPY and ADD. Sources come from the build context, from a stage or image (`--from`), from
 * heredocs, or (ADD) from URLs; local tar archives are extracted by ADD. The step's cache key
 * carries the checksum of every source; on a miss the files are written through an overlay of
 * the stage's layers whose upper directory becomes the new layer (with `--link`, into an empty
 * directory, independent of what is below).
 *
 * Docker's rules kept here: the destination is relative to WORKDIR; several sources need a
 * destination ending in `/`; a file goes *into* a destination that ends in `/` or is a
 * directory; every error reads `COPY failed: …` (or `ADD failed: …`).
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BerthError, InvalidArgument } from '../../errdefs/index.js';
import { logger } from '../../util/log.js';
import type { Digest } from '../../image/digest.js';
import { DirContext } from '../context/dir-context.js';
import { readOnlyView, writableView, type RootfsView } from '../rootfs/overlay.js';
import { assertNoSymlinks } from '../../util/in-root.js';
import { resolveInScope } from '../rootfs/scope.js';
import { commitStep, probeCache, stepKey, topChain } from '../solver/probe-commit.js';
import { withCmdCommentString, type StageState } from '../solver/state.js';
import type { StepContext } from '../solver/step-context.js';
import { extractArchive, isArchive } from './add-archive.js';
import { downloadSource, isUrl } from './add-remote.js';
import { parseChown } from './chown.js';
import { copySource, mkdirAll, writeInlineFile, type CopyOptions } from './copy-files.js';
import { resolveSources, contextChecksum, sourceChecksum, type ResolvedSource, type SourceTree } from './copy-sources.js';
import type { InstructionOf } from './types.js';
import { dirLinkReader, isDirIn } from './view-reader.js';
import { excludingTree, parentsPath } from './copy-select.js';
import { excludeMatcher } from '../plan/context-filter.js';

type CopyInstruction = InstructionOf<'COPY' | 'ADD'>;

const log = logger('build');

/** One thing to copy, with the tree it comes from. */
interface Item {
  tree: SourceTree;
  src: ResolvedSource;
  checksum: string;
  /** ADD may extract it (a local archive, not a download). */
  mayExtract: boolean;
  /** `--parents`: the path kept under the destination. */
  keep?: string;
}

/**
 * Docker's normalizeDest: relative destinations are under WORKDIR; a trailing `/` is kept.
 * The path is cleaned lexically (`/d/sub/../sub/x` is `/d/sub/x`) before any symlink in the
 * image is followed, as Docker's scoped resolution does: `..` never steps out of a link.
 */
export function normalizeDest(workdir: string, dest: string): string {
  const joined = dest.startsWith('/') ? posix.normalize(dest) : posix.join('/', workdir || '/', dest);
  return dest.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
}

function parseChmod(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (!/^[0-7]{1,4}$/.test(s)) throw new InvalidArgument(`invalid chmod parameter: ${s}: only octal modes are supported`);
  return parseInt(s, 8);
}

function hashList(prefix: string, items: readonly string[]): string {
  return `${prefix}:${createHash('sha256').update(items.join(',')).digest('hex')}`;
}

/** The image view a `--from` names (a finished stage or an image). */
async function fromTree(ctx: StepContext, state: StageState, from: string): Promise<{ tree: SourceTree; view: RootfsView; id: string }> {
  const run = ctx.run;
  const ix = run.resolveStageRef(state.index, from, true);
  let id: string;
  let top: Digest | null;
  if (ix !== undefined) {
    const r = run.stages.get(ix);
    if (!r) throw new InvalidArgument(`invalid from flag value ${from}: stage ${ix} has not been built`);
    id = r.id;
    top = r.id ? run.backend.images.get(r.id)?.topChainId ?? null : null;
  } else {
    let img;
    try {
      img = await run.backend.images.resolveForBuild(from, false, undefined, run.options.registryAuths);
    } catch (e) {
      throw new InvalidArgument(`invalid from flag value ${from}: ${(e as Error).message}`, { cause: e });
    }
    id = img.record.id;
    top = img.topChainId;
  }
  const layers = run.backend.layers;
  const view = readOnlyView(layers.root, layers.lowerLinks(top), run.scratch);
  return { tree: new DirContext(view.path), view, id };
}

async function collectItems(ctx: StepContext, ins: CopyInstruction, sources: string[], from: { tree: SourceTree; id: string } | undefined): Promise<{
  items: Item[];
  extra: [string, string][];
  preserveOwners: boolean;
}> {
  const run = ctx.run;
  const isAdd = ins.op === 'ADD';
  const extra: [string, string][] = [];
  const tree: SourceTree = from ? from.tree : run.context;
  const strict = !from;
  if (from) extra.push(['from', from.id]);
  const preserveOwners = ins.from !== undefined && ins.chown === undefined;
  const items: Item[] = [];
  const local: string[] = [];
  const excluded = ins.exclude.length ? excludeMatcher(ins.exclude) : undefined;
  const add = async (src: ResolvedSource, keep?: string) => {
    if (excluded && (excluded(src.path) || excluded(src.name))) return;
    const t = excluded && src.entry.type === 'dir' ? excludingTree(tree, src.rel, excluded) : tree;
    // From the context as a whole, dockerd's own checksums (they show in history); from an
    // image or a context filtered by --exclude (which the legacy builder lacks), berth's.
    const checksum = !from && t === run.context ? await contextChecksum(run.context, src) : await sourceChecksum(t, src, preserveOwners);
    items.push({ tree: t, src, checksum, mayExtract: isAdd, ...(keep !== undefined ? { keep } : {}) });
  };
  const flushLocal = async () => {
    if (!local.length) return;
    if (ins.parents) {
      for (const raw of local) for (const src of resolveSources(tree, [raw], { strict })) await add(src, parentsPath(raw, src.path));
    } else {
      for (const src of resolveSources(tree, local, { strict })) await add(src);
    }
    local.length = 0;
  };
  for (const s of sources) {
    if (isUrl(s) && isAdd) {
      await flushLocal();
      const d = await downloadSource(s, ins.dest, run.scratch, ins.checksum, run.signal);
      const dl = new DirContext(d.dir);
      const entry = dl.lstat(d.name)!;
      const src: ResolvedSource = { path: d.name, name: d.name, rel: d.name, entry };
      // Docker records a download's checksum as bare hex.
      items.push({ tree: dl, src, checksum: d.digest.slice('sha256:'.length), mayExtract: false });
      extra.push([`url ${s}`, d.digest]);
      ctx.emit({ kind: 'note', text: '\n' });
    } else local.push(s);
  }
  await flushLocal();
  return { items, extra, preserveOwners };
}

/** What --parents and --exclude add to the step's cache key (never to its history). */
function selectFlags(ins: CopyInstruction, kept: readonly string[]): string[] {
  return [ins.parents ? `--parents=${kept.join(':')}` : '', ...ins.exclude.map((p) => `--exclude=${p}`)];
}

function checkCopyUrls(op: string, sources: readonly string[]): void {
  if (op === 'COPY' && sources.some(isUrl)) throw new InvalidArgument('COPY failed: source can\'t be a URL for COPY');
}

/** Docker prefixes errors about the sources with `COPY failed: ` (or `ADD failed: `). */
async function sourcesFailed<T>(op: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof BerthError) {
      const Cls = e.constructor as new (m: string, o?: { cause?: unknown }) => BerthError;
      throw new Cls(`${op} failed: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/** Runs a COPY or ADD step (instruction already expanded). */
export async function copyStep(ctx: StepContext, state: StageState, ins: CopyInstruction, args: [string, string][]): Promise<void> {
  const run = ctx.run;
  const { sources, dest, chown } = ins;
  const mode = parseChmod(ins.chmod);
  const views: RootfsView[] = [];
  const t0 = performance.now();
  try {
    checkCopyUrls(ins.op, sources);
    const fromView = ins.from !== undefined ? await fromTree(ctx, state, ins.from) : undefined;
    if (fromView) views.push(fromView.view);
    const { items, extra, preserveOwners } = await sourcesFailed(ins.op, () => collectItems(ctx, ins, sources, fromView));
    const inline = ins.inline.map((f) => ({ name: f.name, content: f.data }));
    const count = items.length + inline.length;
    if (count === 0) throw new InvalidArgument(`${ins.op} failed: no source files were specified`);
    if (count > 1 && !dest.endsWith('/')) {
      throw new InvalidArgument(`When using ${ins.op} with more than one source file, the destination must be a directory and end with a /`);
    }
    const hashes = [...items.map((i) => i.checksum), ...inline.map((f) => `inline:${createHash('sha256').update(f.content).digest('hex')}`)];
    log.debug('copy sources', { checksumMs: Math.round(performance.now() - t0) });
    const srcHash = hashes.length === 1 ? hashes[0]! : hashList('multi', hashes);
    // Docker 20.10 writes no space between the --chown flag and the source hash.
    const comment = `${ins.op} ${chown !== undefined ? `--chown=${chown}` : ''}${srcHash} in ${dest} `;
    const flags = [
      mode !== undefined ? `--chmod=${mode.toString(8)}` : '', ins.link ? '--link' : '',
      ...selectFlags(ins, items.map((i) => i.keep ?? '')),
    ].filter(Boolean);
    const key = stepKey(state, {
      instruction: flags.length ? `${comment}${flags.join(' ')}` : comment,
      args,
      sources: [
        ...items.map((i) => ({ path: i.src.path, checksum: i.checksum })),
        ...inline.map((f, n) => ({ path: `<<${f.name}`, checksum: hashes[items.length + n]! })),
      ],
      extra,
    });
    const cc = withCmdCommentString(state, comment);
    const tSources = performance.now();
    if (await probeCache(ctx, state, key, cc)) return;

    const layers = run.backend.layers;
    const parent = topChain(ctx, state);
    const view = writableView(layers.root, ins.link ? [] : layers.lowerLinks(parent), run.scratch);
    views.push(view);
    let identity = { uid: 0, gid: 0 };
    if (chown !== undefined) {
      // Names come from the destination image's /etc/passwd and /etc/group.
      const names = ins.link ? readOnlyView(layers.root, layers.lowerLinks(parent), run.scratch) : view;
      if (names !== view) views.push(names);
      identity = parseChown(chown, names.path);
    }
    const opts: CopyOptions = { identity: preserveOwners ? undefined : identity, ...(mode !== undefined ? { mode } : {}) };
    const destPath = normalizeDest(state.runConfig.WorkingDir, dest);
    const reader = dirLinkReader(view.path);
    const destRel = resolveInScope(destPath, reader, { strict: false, followLast: true });
    // What a RUN left in the stage (links to host paths among them) was followed in the view's
    // scope above; the kernel confirms the result holds no symlink before anything is written.
    assertNoSymlinks(view.path, destRel);
    const destAbs = destRel === '' ? view.path : join(view.path, destRel);
    const intoDir = dest.endsWith('/') || isDirIn(view.path, destRel);
    for (const it of items) {
      if (it.keep !== undefined) {
        // --parents: the source's path is kept under the destination directory.
        const under = it.src.entry.type === 'dir' ? it.keep : posix.dirname(it.keep);
        const at = under === '' || under === '.' ? destAbs : join(destAbs, under);
        mkdirAll(at, { uid: 0, gid: 0 });
        await copySource(it.tree, it.src, at, true, opts);
      } else if (it.mayExtract && it.src.entry.type === 'file' && (await isArchive(join(it.tree.root, it.src.rel)))) {
        mkdirAll(destAbs, { uid: 0, gid: 0 });
        await extractArchive(join(it.tree.root, it.src.rel), destAbs);
      } else {
        await copySource(it.tree, it.src, destAbs, intoDir, opts);
      }
    }
    for (const f of inline) await writeInlineFile(intoDir ? join(destAbs, f.name) : destAbs, f.content, opts);
    await view.release();
    views.splice(views.indexOf(view), 1);
    const tCopied = performance.now();
    const layer = readdirSync(view.upper).length
      ? await layers.registerDir(parent, view.upper, run.lease)
      : null;
    await commitStep(ctx, state, { containerId: '', containerConfig: cc, layer, key });
    log.debug('copy step', { copyMs: Math.round(tCopied - tSources), layerMs: Math.round(performance.now() - tCopied) });
  } finally {
    for (const v of views.reverse()) await v.release();
  }
}
