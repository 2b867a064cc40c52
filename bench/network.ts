/**
 * @module bench/network
 * Networking beside Docker: `run --rm busybox true` on the default bridge; `run -d -p 0:80` of
 * busybox httpd until the first HTTP answer on 127.0.0.1; 50 containers started at once on one
 * user network, each resolving and pinging the next by name, then `rm -f` of all. Docker's
 * figures come from a dockerd of its own whose default network is a bridge made here (without
 * iptables rules, so the host's firewall is left alone; its published ports are docker-proxy).
 * Goal for the first two: ≤ 0.35× Docker's.
 */
import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RunResult } from '../test/helpers/daemon.js';
import { startDockerd } from './dockerd.js';
import { busyboxTar } from './run.js';
import type { Workload } from './types.js';

const N = 10;
const MANY = 50;
const DOCKER_BRIDGE = 'bbench0';
const DOCKER_BRIDGE_ADDR = '10.252.0.1/24';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function okOut(p: Promise<RunResult>): Promise<string> {
  const r = await p;
  if (r.code !== 0) throw new Error(r.stderr || r.stdout);
  return r.stdout;
}

async function medianOf(f: () => Promise<unknown>): Promise<number> {
  await f();
  const xs: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await f();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/', timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(true));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

type Cli = (args: string[]) => Promise<RunResult>;

/** run -d -p 0:80 httpd, port, then GET until it answers; the container is removed after the clock stops. */
async function firstAnswer(cli: Cli): Promise<number> {
  const t0 = performance.now();
  const id = (await okOut(cli(['run', '-d', '-p', '0:80', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']))).trim();
  const port = Number(/:(\d+)/.exec(await okOut(cli(['port', id, '80'])))![1]);
  while (!(await answers(port))) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - t0;
  await okOut(cli(['rm', '-f', id]));
  return ms;
}

/**
 * MANY containers at once on one user network, each resolving and pinging the next by name; then
 * rm -f. The subnet is random (10.249.X.0/24, which no test uses), so that a bench elsewhere on the
 * host does not share it; whatever happens, the containers and the network go at the end.
 */
async function many(cli: Cli, tag: string): Promise<{ up: number; down: number }> {
  const net = `benchnet-${tag}`;
  await okOut(cli(['network', 'create', '--subnet', `10.249.${Math.floor(Math.random() * 250)}.0/24`, net]));
  const names = Array.from({ length: MANY }, (_, i) => `${tag}-${i}`);
  try {
    const t0 = performance.now();
    await Promise.all(
      names.map((name, i) =>
        okOut(cli(['run', '-d', '--name', name, '--network', net, 'busybox', 'sh', '-c',
          `for t in $(seq 100); do nslookup ${names[(i + 1) % MANY]} >/dev/null 2>&1 && ping -c1 -W2 ${names[(i + 1) % MANY]} >/dev/null 2>&1 && touch /ok && break; sleep 0.2; done; sleep 600`])),
      ),
    );
    for (;;) {
      const oks = await Promise.all(names.map((n) => cli(['exec', n, 'test', '-e', '/ok']).then((r) => r.code === 0)));
      if (oks.every(Boolean)) break;
      if (performance.now() - t0 > 300_000) throw new Error(`${tag}: ${oks.filter((x) => !x).length} containers did not resolve their neighbour`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const up = performance.now() - t0;
    const t1 = performance.now();
    await okOut(cli(['rm', '-f', ...names]));
    return { up, down: performance.now() - t1 };
  } finally {
    await removeAll(cli, names, net);
  }
}

/** The containers, then the network (dockerd may release the last endpoints a moment after its rm -f has answered). */
async function removeAll(cli: Cli, names: string[], net: string): Promise<void> {
  await cli(['rm', '-f', ...names]);
  for (let i = 0; (await cli(['network', 'rm', net])).code !== 0; i++) {
    if (i === 20) throw new Error(`network ${net} could not be removed`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export const networkWorkload: Workload = {
  name: 'network: run --rm on the bridge, -p 0:80 until the first answer, 50 containers resolving each other',
  usesDocker: false,
  async run(ctx) {
    const berth: Cli = (args) => ctx.berth.berth(args, { timeoutMs: 600_000 });
    const tar = await busyboxTar(ctx.scratch);
    await okOut(berth(['import', tar, 'busybox']));
    const b = {
      bridge: await medianOf(() => okOut(berth(['run', '--rm', 'busybox', 'true']))),
      none: await medianOf(() => okOut(berth(['run', '--rm', '--network', 'none', 'busybox', 'true']))),
      port: await medianOf(() => firstAnswer(berth)),
      many: await many(berth, 'bm'),
    };
    let d: typeof b | undefined;
    execFileSync('sh', ['-c', `ip link add ${DOCKER_BRIDGE} type bridge && ip addr add ${DOCKER_BRIDGE_ADDR} dev ${DOCKER_BRIDGE} && ip link set ${DOCKER_BRIDGE} up`]);
    try {
      const dockerd = await startDockerd(ctx.scratch, { bridge: DOCKER_BRIDGE, name: 'dockerd-bridge' });
      if (dockerd) {
        try {
          const docker: Cli = (args) => dockerd.run(args);
          await okOut(docker(['import', tar, 'busybox']));
          d = {
            bridge: await medianOf(() => okOut(docker(['run', '--rm', 'busybox', 'true']))),
            none: await medianOf(() => okOut(docker(['run', '--rm', '--network', 'none', 'busybox', 'true']))),
            port: await medianOf(() => firstAnswer(docker)),
            many: await many(docker, 'dm'),
          };
        } finally {
          await dockerd.stop();
        }
      }
    } finally {
      execFileSync('ip', ['link', 'del', DOCKER_BRIDGE]);
    }
    const goal = '≤ 0.35× docker';
    return [
      { name: `run --rm busybox true on the default bridge, median of ${N}`, value: b.bridge, unit: 'ms', higherIsBetter: false, docker: d?.bridge, goal },
      { name: `run --rm --network none busybox true (same run, for the bridge's cost), median of ${N}`, value: b.none, unit: 'ms', higherIsBetter: false, docker: d?.none, goal: 'informational' },
      { name: `run -d -p 0:80 httpd until the first HTTP answer, median of ${N}`, value: b.port, unit: 'ms', higherIsBetter: false, docker: d?.port, goal },
      { name: `${MANY} containers at once on one user network, all resolved and pinged the next by name`, value: b.many.up, unit: 'ms', higherIsBetter: false, docker: d?.many.up, goal: 'all succeed' },
      { name: `rm -f of those ${MANY}`, value: b.many.down, unit: 'ms', higherIsBetter: false, docker: d?.many.down, goal: 'informational' },
    ];
  },
};
