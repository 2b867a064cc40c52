/**
 * The differential suite: every scenario (test/diff/scenarios/*.ts) runs with the docker CLI once
 * against dockerd (Debian docker.io 20.10, started here on private roots) and once against a test
 * berthd, both holding the same busybox image (same ID); the normalized transcripts must be
 * equal. One dockerd and one berthd serve the whole file; both run their scenarios at the same
 * time, each scenario after the other, with everything a scenario made removed before the next.
 * DIFF_ONLY=REGEX runs only the scenarios whose name matches; DIFF_TIMES=1 prints each one's time;
 * DIFF_OUT=DIR writes both transcripts of each scenario there (NNN-name.docker, NNN-name.berth).
 *
 * Networks: the reference dockerd runs with `--bridge=none` (no default bridge, no iptables), while
 * berthd has its default bridge network. To compare like with like, every scenario that creates or
 * runs a container passes `--network none` (or `--network host`, `docker build --network none`)
 * to both daemons, so neither side's network setup shows in a transcript; a scenario that relied
 * on the default network would compare dockerd's refusal against berth's bridge.
 *
 * A difference kept on purpose is normalized in its scenario with a comment saying why ("Kept on
 * purpose: …"), a known one not fixed yet likewise ("Not yet equal: …"); nothing else may be
 * normalized away but values that legitimately differ (IDs, times, the daemons' own paths).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busyboxRootfsTar } from '../../src/store/testing/busybox-rootfs.js';
import { dockerBin, hasDocker, startDaemon, unmountUnder, type TestDaemon } from '../helpers/daemon.js';
import { hasRegistry, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { startDockerd, dockerdBin, type Dockerd } from './dockerd.js';
import { api, clean, normalize, runScenario, type Scenario, type Target } from './harness.js';
import { scenarios as all } from './scenarios.js';

const skip = !dockerdBin
  ? 'dockerd is not installed (apt-get install docker.io; scripts/setup.sh --test does)'
  : !hasDocker
    ? `the docker CLI is not at ${dockerBin}`
    : false;

const only = process.env.DIFF_ONLY ? new RegExp(process.env.DIFF_ONLY) : undefined;
// Registry scenarios need Debian's docker-registry (scripts/setup.sh --test installs it).
const scenarios = (only ? all.filter((s) => only.test(s.name)) : all).filter((s) => hasRegistry || !s.registry);
const BASE = 'busybox:latest';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

describe('differential: the docker CLI against dockerd and berthd', { skip, timeout: 1_800_000 }, () => {
  let dir: string;
  let berthd: TestDaemon | undefined;
  let dockerd: Dockerd | undefined;
  const registries: TestRegistry[] = [];
  const results = new Map<string, { docker: string; berth: string }>();

  before(async () => {
    const names = new Set<string>();
    for (const s of all) {
      assert.ok(!names.has(s.name), `two scenarios named ${s.name}`);
      names.add(s.name);
    }
    dir = mkdtempSync(join(tmpdir(), 'berth-diff-'));
    const binDir = join(dir, 'bin');
    await fs.mkdir(binDir);
    symlinkSync(dockerBin, join(binDir, 'docker'));
    const started = await Promise.allSettled([startDaemon(), startDockerd(join(dir, 'dockerd'))]);
    if (started[0].status === 'fulfilled') berthd = started[0].value;
    if (started[1].status === 'fulfilled') dockerd = started[1].value;
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    if (!berthd || !dockerd) throw new Error('a daemon did not start');
    // The same busybox image in both: imported into berthd, saved, loaded into dockerd.
    const imp = await berthd.berth(['import', '-c', `ENV PATH=${PATH}`, '-c', 'CMD ["sh"]', '-', BASE], { input: busyboxRootfsTar() });
    assert.equal(imp.code, 0, imp.stderr);
    const baseTarFile = join(dir, 'busybox.tar');
    const saved = await berthd.berth(['save', '-o', baseTarFile, BASE]);
    assert.equal(saved.code, 0, saved.stderr);
    const baseTar = await fs.readFile(baseTarFile);
    const loaded = await api(dockerd.host, 'POST', '/images/load?quiet=1', baseTar);
    assert.equal(loaded.status, 200, JSON.stringify(loaded.body));
    const baseId = (await api(berthd.host, 'GET', `/images/${BASE}/json`)).body.Id as string;
    assert.equal((await api(dockerd.host, 'GET', `/images/${BASE}/json`)).body.Id, baseId, 'the base image has the same ID in both daemons');

    // Registries of each daemon's own (plain and htpasswd), when a scenario wants them: both
    // daemons push the same names at the same time.
    const registryVars = async (): Promise<Record<string, string> | undefined> => {
      if (!scenarios.some((s) => s.registry)) return undefined;
      const reg = await startRegistry();
      registries.push(reg);
      const areg = await startRegistry({ auth: { htpasswd: { user: 'u', password: 'p' } } });
      registries.push(areg);
      return { REG: reg.host, AREG: areg.host };
    };
    const targets: Target[] = [
      { name: 'docker', host: dockerd.host, dir: join(dir, 'docker'), binDir, vars: await registryVars() },
      { name: 'berth', host: berthd.host, dir: join(dir, 'berth'), binDir, vars: await registryVars() },
    ];
    const transcripts = await Promise.all(
      targets.map(async (t) => {
        const out: string[] = [];
        for (const [i, s] of scenarios.entries()) {
          const t0 = Date.now();
          const { steps, dir: sdir, vars } = await runScenario(t, s, i);
          if (process.env.DIFF_TIMES) console.log(`${t.name} ${Date.now() - t0}ms ${s.name}`);
          out.push(normalize(steps, sdir, s, vars));
          await clean(t.host, baseId, BASE, baseTar);
        }
        return out;
      }),
    );
    for (const [i, s] of scenarios.entries()) results.set(s.name, { docker: transcripts[0]![i]!, berth: transcripts[1]![i]! });
    if (process.env.DIFF_OUT) {
      await fs.mkdir(process.env.DIFF_OUT, { recursive: true });
      for (const [i, s] of scenarios.entries()) {
        const base = join(process.env.DIFF_OUT, `${String(i).padStart(3, '0')}-${s.name.replace(/[^A-Za-z0-9]+/g, '-')}`);
        await fs.writeFile(`${base}.docker`, transcripts[0]![i]!);
        await fs.writeFile(`${base}.berth`, transcripts[1]![i]!);
      }
    }
  });

  after(async () => {
    for (const r of registries) await r.stop();
    await dockerd?.stop();
    await berthd?.cleanup();
    if (dir) {
      await unmountUnder(dir);
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  for (const s of scenarios as Scenario[]) {
    it(s.name, () => {
      const r = results.get(s.name);
      assert.ok(r, 'the scenario ran');
      if (r.docker !== r.berth) {
        assert.fail(`transcripts differ\n----- dockerd -----\n${r.docker}----- berthd -----\n${r.berth}-------------------`);
      }
    });
  }
});
