/**
 * @module bench/crash-check
 * The consistency check the crash campaign (bench/crash.ts) runs after each restart of a
 * berthd that was killed with SIGKILL. It returns what it found wrong, empty when clean:
 * - every tagged image is readable: `berth save` of each tag succeeds, the config's digest is
 *   the image ID and every layer tar's sha256 is its diff_id;
 * - what the killed daemon acknowledged (a load, import or build that returned success, a
 *   `run -d` that printed an ID) is still there;
 * - no half layer: every directory under layers/ has a layer.json naming it and a diff/, every
 *   short link resolves; no staging directory under tmp/ holds anything;
 * - nothing is mounted under the data root except the root file systems of running containers;
 * - every container recorded as running has a live process that runc shows running, and runc
 *   runs nothing that no running record owns.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type TestDaemon } from '../test/helpers/daemon.js';

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

/** Mount points in /proc/self/mountinfo at or below `dir`. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => (l.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(dir + '/'));
}

/** Saves `tag` and verifies the archive against its own config; returns problems found. */
async function verifySave(d: TestDaemon, tag: string, id: string, work: string): Promise<string[]> {
  const dir = join(work, 'save');
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const tar = join(work, 'save.tar');
  const r = await d.berth(['save', '-o', tar, tag], { timeoutMs: 300_000 });
  if (r.code !== 0) return [`save ${tag}: exit ${r.code}: ${r.stderr.trim()}`];
  const x = await run('tar', ['-C', dir, '-xf', tar]);
  await fs.rm(tar, { force: true });
  if (x.code !== 0) return [`save ${tag}: the archive does not unpack: ${x.stderr.trim()}`];
  const problems: string[] = [];
  try {
    const manifest = JSON.parse(await fs.readFile(join(dir, 'manifest.json'), 'utf8')) as { Config: string; Layers: string[]; RepoTags: string[] }[];
    const m = manifest.find((e) => e.RepoTags?.some((t) => t === tag || t.endsWith('/' + tag)));
    if (!m) return [`save ${tag}: manifest.json does not list the tag`];
    const configDigest = await sha256File(join(dir, m.Config));
    if (configDigest !== id) problems.push(`save ${tag}: config digest ${configDigest} is not the image ID ${id}`);
    const config = JSON.parse(await fs.readFile(join(dir, m.Config), 'utf8')) as { rootfs: { diff_ids: string[] } };
    if (config.rootfs.diff_ids.length !== m.Layers.length) problems.push(`save ${tag}: ${m.Layers.length} layers for ${config.rootfs.diff_ids.length} diff_ids`);
    for (let i = 0; i < m.Layers.length; i++) {
      const got = await sha256File(join(dir, m.Layers[i]!));
      if (got !== config.rootfs.diff_ids[i]) problems.push(`save ${tag}: layer ${i} hashes to ${got}, diff_id ${config.rootfs.diff_ids[i]}`);
    }
  } catch (e) {
    problems.push(`save ${tag}: ${(e as Error).message}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  return problems;
}

/** Half-made layer directories and dangling short links; anything left in staging directories. */
async function verifyLayerDirs(dataRoot: string): Promise<string[]> {
  const problems: string[] = [];
  const root = join(dataRoot, 'layers');
  for (const name of await fs.readdir(root).catch(() => [] as string[])) {
    if (name === 'l') continue;
    const dir = join(root, name);
    try {
      const rec = JSON.parse(await fs.readFile(join(dir, 'layer.json'), 'utf8')) as { chainId: string };
      if (rec.chainId !== `sha256:${name}`) problems.push(`layer dir ${name}: layer.json names ${rec.chainId}`);
      if (!(await fs.stat(join(dir, 'diff'))).isDirectory()) problems.push(`layer dir ${name}: diff is not a directory`);
    } catch (e) {
      problems.push(`half layer dir ${name}: ${(e as Error).message}`);
    }
  }
  for (const link of await fs.readdir(join(root, 'l')).catch(() => [] as string[])) {
    try {
      await fs.stat(join(root, 'l', link));
    } catch {
      problems.push(`layer short link l/${link} dangles`);
    }
  }
  // Staging: garbage after a restart, so start-up must have emptied it.
  for (const sub of ['layers', 'content', 'build']) {
    const left = await fs.readdir(join(dataRoot, 'tmp', sub)).catch(() => [] as string[]);
    if (left.length) problems.push(`tmp/${sub} still holds ${left.slice(0, 5).join(', ')}${left.length > 5 ? ', …' : ''}`);
  }
  return problems;
}

interface ContainerView {
  Id: string;
  Name: string;
  State: { Status: string; Running: boolean; Pid: number };
}

function processAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function runcStates(d: TestDaemon): Promise<Map<string, string>> {
  const r = await run('runc', ['--root', join(d.execRoot, 'runc'), 'list', '--format', 'json']);
  const out = new Map<string, string>();
  if (r.code !== 0) return out;
  for (const c of (JSON.parse(r.stdout || 'null') as { id: string; status: string }[] | null) ?? []) out.set(c.id, c.status);
  return out;
}

async function verifyContainers(d: TestDaemon, mustRun: Set<string>): Promise<{ problems: string[]; running: Set<string> }> {
  const problems: string[] = [];
  const ids = (await d.berth(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
  const views: ContainerView[] = ids.length ? (JSON.parse((await d.berth(['inspect', ...ids])).stdout || '[]') as ContainerView[]) : [];
  const runc = await runcStates(d);
  const running = new Set<string>();
  for (const c of views) {
    if (c.State.Running) {
      running.add(c.Id);
      if (!processAlive(c.State.Pid)) problems.push(`container ${c.Name} is recorded running with pid ${c.State.Pid}, which is not alive`);
      if (runc.get(c.Id) !== 'running') problems.push(`container ${c.Name} is recorded running; runc says ${runc.get(c.Id) ?? 'nothing'}`);
    }
  }
  for (const [id, status] of runc) {
    if (status !== 'stopped' && !running.has(id)) problems.push(`runc has container ${id.slice(0, 12)} ${status}, which no running record owns`);
  }
  for (const id of mustRun) {
    if (!running.has(id)) problems.push(`container ${id.slice(0, 12)}, started before the kill, is not running after the restart`);
  }
  return { problems, running };
}

/** Everything wrong after a restart; `expect` is what the killed daemon had acknowledged. */
export async function checkConsistency(
  d: TestDaemon,
  work: string,
  expect: { tags: string[]; running: Set<string> },
): Promise<string[]> {
  const problems: string[] = [];
  const listing = await d.berth(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
  if (listing.code !== 0) return [`images: exit ${listing.code}: ${listing.stderr.trim()}`];
  const tags = new Map<string, string>();
  for (const line of listing.stdout.split('\n').filter(Boolean)) {
    const [tag, id] = line.split(' ');
    if (tag && id && !tag.includes('<none>')) tags.set(tag, id);
  }
  for (const t of expect.tags) if (!tags.has(t)) problems.push(`image ${t}, acknowledged before the kill, is gone`);
  for (const [tag, id] of tags) problems.push(...(await verifySave(d, tag, id, work)));
  problems.push(...(await verifyLayerDirs(d.dataRoot)));
  const c = await verifyContainers(d, expect.running);
  problems.push(...c.problems);
  for (const m of mountsUnder(d.dataRoot)) {
    const owner = /\/containers\/([0-9a-f]{64})\//.exec(m.slice(d.dataRoot.length))?.[1];
    if (!owner || !c.running.has(owner)) problems.push(`leftover mount ${m.slice(d.dataRoot.length + 1)}`);
  }
  return problems;
}
