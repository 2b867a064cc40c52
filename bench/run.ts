/**
 * @module bench/run
 * `run --rm busybox true`, 20 times in a row and 20 at once, through the berth CLI, through the
 * docker CLI against berthd, and through a bare API client (the daemon's own latency, without a
 * CLI process), beside the floor — runc's own `runc run` of the same bundle (config.json as berth
 * generates it, the same overlay root) — and `docker run --rm` against dockerd when installed.
 * Goal: median within 3× of the floor and at most 0.35× of Docker's.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { unmount } from '../src/runtime/overlay-driver.js';
import { containerFiles } from '../src/runtime/paths.js';
import { mountContainerRoot } from '../src/runtime/rootfs.js';
import { GROUP, PASSWD } from '../src/store/testing/busybox-rootfs.js';
import { dockerBin, run, type TestDaemon } from '../test/helpers/daemon.js';
import type { Figure, Workload } from './types.js';

const N = 20;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timedOk(f: () => Promise<{ code: number; stderr: string }>): Promise<number> {
  const t0 = performance.now();
  const r = await f();
  if (r.code !== 0) throw new Error(r.stderr);
  return performance.now() - t0;
}

/** Median latency of N runs in a row, and the wall time of N runs at once. */
async function measure(f: () => Promise<number>): Promise<{ seq: number; par: number }> {
  await f(); // warm-up
  const seq: number[] = [];
  for (let i = 0; i < N; i++) seq.push(await f());
  const t0 = performance.now();
  await Promise.all(Array.from({ length: N }, () => f()));
  return { seq: median(seq), par: performance.now() - t0 };
}

function api(d: TestDaemon, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath: d.socket, method, path, headers: data ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** What `docker run --rm busybox true` asks of the daemon, minus the CLI process: create, wait(removed), start. */
async function apiRun(d: TestDaemon): Promise<number> {
  const t0 = performance.now();
  const c = await api(d, 'POST', '/v1.41/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { AutoRemove: true } });
  if (c.status !== 201) throw new Error(c.body);
  const { Id } = JSON.parse(c.body) as { Id: string };
  const waited = new Promise<string>((resolve, reject) => {
    const req = request({ socketPath: d.socket, method: 'POST', path: `/v1.41/containers/${Id}/wait?condition=removed` }, (res) => {
      let text = '';
      res.on('data', (x) => (text += x));
      res.on('end', () => resolve(text));
      startIt();
    });
    req.on('error', reject);
    req.end();
  });
  let started!: Promise<{ status: number; body: string }>;
  const startIt = () => (started = api(d, 'POST', `/v1.41/containers/${Id}/start`));
  await waited;
  const s = await started;
  if (s.status !== 204) throw new Error(s.body);
  return performance.now() - t0;
}

function runc(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('runc', args, (e, _o, stderr) => (e ? reject(new Error(stderr || e.message)) : resolve())));
}

/** runc run of berth's own bundle for `busybox true` (same spec, same layers): the floor. */
async function floorRunner(d: TestDaemon, scratch: string): Promise<{ run: () => Promise<number>; done: () => Promise<void> }> {
  const r = await d.berth(['run', '--name', 'floor-src', 'busybox', 'true']);
  if (r.code !== 0) throw new Error(`could not run the floor container: ${r.stderr}`);
  const info = JSON.parse((await d.berth(['container', 'inspect', 'floor-src'])).stdout)[0] as { Id: string };
  const spec = JSON.parse(readFileSync(join(d.dataRoot, 'containers', info.Id, 'config.json'), 'utf8'));
  await d.berth(['rm', 'floor-src']);
  const dir = join(scratch, 'floor');
  mkdirSync(dir, { recursive: true });
  const f = containerFiles(dir, 'floor');
  const layersRoot = join(d.dataRoot, 'layers');
  const links = readdirSync(join(layersRoot, 'l')).map((l) => `l/${l}`);
  await mountContainerRoot(f, { layersRoot, lowerLinks: links });
  for (const name of ['hosts', 'hostname', 'resolv.conf']) writeFileSync(join(dir, name), '');
  spec.root.path = f.rootfs;
  spec.process.args = ['true'];
  // The source container's network namespace went with it: the floor gets a new, empty one (runc's own).
  spec.linux.namespaces = spec.linux.namespaces.map((ns: { type: string }) => (ns.type === 'network' ? { type: 'network' } : ns));
  spec.mounts = spec.mounts.map((m: { source?: string; destination: string }) => (m.destination.startsWith('/etc/') ? { ...m, source: join(dir, m.destination.slice(5)) } : m));
  const root = join(scratch, 'floor-runc');
  const runOnce = async () => {
    const cid = randomBytes(8).toString('hex');
    const bundle = join(scratch, `b-${cid}`);
    mkdirSync(bundle);
    writeFileSync(join(bundle, 'config.json'), JSON.stringify({ ...spec, linux: { ...spec.linux, cgroupsPath: `/berth-bench/${cid}` } }));
    const t0 = performance.now();
    await runc(['--root', root, 'run', '--bundle', bundle, cid]);
    const ms = performance.now() - t0;
    rmSync(bundle, { recursive: true, force: true });
    return ms;
  };
  return { run: runOnce, done: async () => void unmount(f.rootfs) };
}

/**
 * The busybox rootfs made with GNU tar (as scripts/make-busybox.sh), so both engines import the
 * same bytes (dockerd applies hard-link entries' modes, which GNU tar fills in).
 */
export async function busyboxTar(scratch: string): Promise<string> {
  const root = join(scratch, 'run-busybox-rootfs');
  const tar = join(scratch, 'run-busybox.tar');
  for (const d of ['bin', 'dev', 'etc', 'proc', 'sys', 'tmp', 'root']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), PASSWD);
  writeFileSync(join(root, 'etc/group'), GROUP);
  const script = [
    `cp /bin/busybox ${root}/bin/busybox && chmod 755 ${root}/bin/busybox`,
    `for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln ${root}/bin/busybox ${root}/bin/$a; done`,
    `chmod 1777 ${root}/tmp`,
    `tar --sort=name --numeric-owner --mtime=@1700000000 -C ${root} -cf ${tar} .`,
  ].join(' && ');
  const r = await run('sh', ['-c', script]);
  if (r.code !== 0) throw new Error(r.stderr);
  return tar;
}

export const runWorkload: Workload = {
  name: 'run --rm busybox true (20 in a row: median; 20 at once: wall time)',
  async run(ctx) {
    const tar = await busyboxTar(ctx.scratch);
    const imp = await ctx.berth.berth(['import', tar, 'busybox']);
    if (imp.code !== 0) throw new Error(imp.stderr);
    let docker: { seq: number; par: number } | undefined;
    if (ctx.docker) {
      const di = await ctx.docker.run(['import', tar, 'busybox']);
      if (di.code !== 0) throw new Error(di.stderr);
      docker = await measure(() => timedOk(() => ctx.docker!.run(['run', '--rm', '--network', 'none', 'busybox', 'true'])));
    }
    const floor = await floorRunner(ctx.berth, ctx.scratch);
    let floorFig: { seq: number; par: number };
    try {
      floorFig = await measure(floor.run);
    } finally {
      await floor.done();
    }
    const berthCli = await measure(() => timedOk(() => ctx.berth.berth(['run', '--rm', 'busybox', 'true'])));
    // The same CLI without its warm host: a Node.js process per command.
    const berthCold = await measure(() => timedOk(() => ctx.berth.berth(['run', '--rm', 'busybox', 'true'], { env: { BERTH_CLI_HOST: '0' } })));
    const dockerCli = await measure(() => timedOk(() => run(dockerBin, ['-H', ctx.berth.host, 'run', '--rm', 'busybox', 'true'], { env: { ...process.env, DOCKER_CONFIG: join(ctx.scratch, 'docker-cfg') } })));
    const apiOnly = await measure(() => apiRun(ctx.berth));
    const goal = '≤ 3× floor, ≤ 0.35× docker';
    const fig = (name: string, v: { seq: number; par: number }): Figure[] => [
      { name: `${name}, median of ${N} in a row`, value: v.seq, unit: 'ms', higherIsBetter: false, floor: floorFig.seq, docker: docker?.seq, goal },
      { name: `${name}, ${N} at once (wall)`, value: v.par, unit: 'ms', higherIsBetter: false, floor: floorFig.par, docker: docker?.par, goal },
    ];
    return [
      ...fig('berth CLI → berthd', berthCli),
      ...fig('berth CLI without its CLI host (BERTH_CLI_HOST=0) → berthd', berthCold).map((f) => ({ ...f, goal: 'informational' })),
      ...fig('docker CLI → berthd', dockerCli), ...fig('API client → berthd (no CLI process)', apiOnly),
    ];
  },
};
