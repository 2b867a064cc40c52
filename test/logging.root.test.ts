/**
 * Logging drivers against a real berthd: json-file rotation done by the shim while a container
 * writes 1 GB (the files never pass max-size × max-file but by a record each), rotated and gzip'd files read back
 * in order (`logs`, `--tail`, `-f` across rotations), the `local` and `none` drivers, daemon.json
 * defaults, dockerd's errors, and the docker CLI's `run --log-opt` and `logs --details`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busyboxRootfsTar } from '../src/store/testing/busybox-rootfs.js';
import { hasDocker, startDaemon, type TestDaemon } from './helpers/daemon.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';

const MB = 1_000_000;

/** Files of a container's log (the current one and every rotated one) with their sizes. */
function logFiles(d: TestDaemon, id: string, sub = ''): { name: string; size: number }[] {
  const dir = join(d.dataRoot, 'containers', id, sub);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { name: string; size: number }[] = [];
  for (const n of names) {
    if (!/(-json\.log|container\.log)/.test(n)) continue;
    try {
      out.push({ name: n, size: statSync(join(dir, n)).size });
    } catch {
      // rotated away between readdir and stat
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

async function waitExit(d: TestDaemon, id: string, timeoutMs: number): Promise<void> {
  assert.equal((await ok(d.berth(['wait', id], { timeoutMs }))).trim(), '0');
}

describe('logging drivers', { timeout: 900_000 }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await daemonWithBusybox();
  });
  after(async () => {
    await cleanupDaemon(d);
  });

  it('json-file max-size=10m,max-file=3: 1 GB of output stays under 30 MB on disk, and logs --tail reads the end', async () => {
    // 1,000,000 lines of 1,000 bytes, then two marker lines.
    const script = 'l=$(head -c 999 /dev/zero | tr "\\0" x); yes "$l" | head -c 1000000000; echo end-1; echo end-2';
    const id = (await ok(d.berth(['run', '-d', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', script]))).trim();
    let peak = 0;
    let samples = 0;
    let sawRotation = false;
    const sampler = setInterval(() => {
      const files = logFiles(d, id);
      const total = files.reduce((a, f) => a + f.size, 0);
      peak = Math.max(peak, total);
      samples++;
      if (files.some((f) => f.name.endsWith('.2'))) sawRotation = true;
    }, 100);
    try {
      await waitExit(d, id, 600_000);
    } finally {
      clearInterval(sampler);
    }
    console.log(`1 GB run: peak ${peak} bytes in the log files over ${samples} samples`);
    const files = logFiles(d, id);
    assert.deepEqual(files.map((f) => f.name), [`${id}-json.log`, `${id}-json.log.1`, `${id}-json.log.2`]);
    // As dockerd's, a file is rotated once it reaches max-size: it ends past it by at most its last record.
    for (const f of files) assert.ok(f.size < 10 * MB + 1100, `${f.name} is ${f.size} bytes`);
    assert.ok(samples > 10 && sawRotation, `sampled ${samples} times`);
    assert.ok(peak < 30 * MB + 3 * 1100, `the log files reached ${peak} bytes`);
    const x = 'x'.repeat(999);
    assert.equal(await ok(d.berth(['logs', '--tail', '3', id])), `${x}\nend-1\nend-2\n`);
    // Every record kept is whole and in order: the three files hold about 30 MB of records.
    const all = (await ok(d.berth(['logs', id], { timeoutMs: 120_000 }))).split('\n');
    assert.equal(all.at(-1), '');
    assert.deepEqual(all.slice(-3, -1), ['end-1', 'end-2']);
    assert.ok(all.length > 20_000, `${all.length} lines`);
    assert.ok(all.slice(0, -3).every((l) => l === x));
  });

  it('compress=true: rotated files are gzip\'d and read back in order, with --tail, --since and -f', async () => {
    const id = (await ok(d.berth([
      'run', '-d', '--log-opt', 'max-size=100k', '--log-opt', 'max-file=4', '--log-opt', 'compress=true', 'busybox', 'seq', '1', '60000',
    ]))).trim();
    await waitExit(d, id, 120_000);
    // The last rotation's compression may still run in the shim's child for a moment.
    let names: string[] = [];
    for (let i = 0; i < 100; i++) {
      names = logFiles(d, id).map((f) => f.name);
      if (names.length === 4 && names.every((n) => !n.endsWith('.tmp') && !/\.\d$/.test(n))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(names, [`${id}-json.log`, `${id}-json.log.1.gz`, `${id}-json.log.2.gz`, `${id}-json.log.3.gz`]);
    const nums = (await ok(d.berth(['logs', id]))).trim().split('\n').map(Number);
    assert.equal(nums.at(-1), 60000);
    assert.ok(nums.length > 1000 && nums.length < 60000, `${nums.length} lines kept`);
    nums.forEach((n, i) => assert.equal(n, nums[0]! + i));
    // --tail reaching into the compressed files.
    const tail = (await ok(d.berth(['logs', '--tail', String(nums.length - 5), id]))).trim().split('\n').map(Number);
    assert.deepEqual(tail, nums.slice(5));
    assert.equal((await ok(d.berth(['logs', '--since', '0', '--tail', '2', id]))), '59999\n60000\n');
    // Timestamps come from the records in the gzip'd files too.
    const first = (await ok(d.berth(['logs', '-t', '--tail', String(nums.length), id]))).split('\n')[0]!;
    assert.match(first, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z ${nums[0]}$`));
  });

  it('logs -f follows a container across rotations (plain and gzip\'d) without losing or repeating lines', async () => {
    const script = 'i=1; while [ $i -le 3000 ]; do echo $i; if [ $((i % 100)) = 0 ]; then sleep 0.1; fi; i=$((i+1)); done';
    for (const compress of ['false', 'true']) {
      const id = (await ok(d.berth([
        'run', '-d', '--log-opt', 'max-size=20k', '--log-opt', 'max-file=5', '--log-opt', `compress=${compress}`, 'busybox', 'sh', '-c', script,
      ]))).trim();
      const out = await ok(d.berth(['logs', '-f', id], { timeoutMs: 120_000 }));
      const nums = out.trim().split('\n').map(Number);
      assert.equal(nums.length, 3000, `compress=${compress}: followed ${nums.length} lines`);
      nums.forEach((n, i) => assert.equal(n, i + 1));
      assert.equal(logFiles(d, id).filter((f) => !f.name.endsWith('.tmp')).length >= 5, true);
    }
  });

  it('local: rotated and compressed in local-logs/, read the same; inspect as dockerd', async () => {
    const id = (await ok(d.berth(['run', '-d', '--log-driver', 'local', '--log-opt', 'max-size=50k', 'busybox', 'seq', '1', '40000']))).trim();
    await waitExit(d, id, 120_000);
    const nums = (await ok(d.berth(['logs', id]))).trim().split('\n').map(Number);
    assert.equal(nums.at(-1), 40000);
    nums.forEach((n, i) => assert.equal(n, nums[0]! + i));
    for (let i = 0; i < 100 && logFiles(d, id, 'local-logs').some((f) => /\.1$|\.tmp$/.test(f.name)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(logFiles(d, id, 'local-logs').map((f) => f.name), ['container.log', 'container.log.1.gz', 'container.log.2.gz', 'container.log.3.gz', 'container.log.4.gz']);
    const info = JSON.parse(await ok(d.berth(['inspect', id])))[0];
    assert.deepEqual(info.HostConfig.LogConfig, { Type: 'local', Config: { 'max-size': '50k' } });
    assert.equal(info.LogPath, '');
    const small = (await ok(d.berth(['run', '-d', '--log-driver', 'local', 'busybox', 'echo', 'hi']))).trim();
    await waitExit(d, small, 60_000);
    assert.equal(await ok(d.berth(['logs', small])), 'hi\n');
  });

  it("none: nothing is kept and logs fails as dockerd's", { skip: !hasDocker }, async () => {
    const id = (await ok(d.berth(['run', '-d', '--log-driver', 'none', 'busybox', 'echo', 'hi']))).trim();
    await waitExit(d, id, 60_000);
    const r = await d.docker(['logs', id]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error response from daemon: configured logging driver does not support reading');
    assert.notEqual((await d.berth(['logs', id])).code, 0);
    assert.deepEqual(logFiles(d, id), []);
    const info = JSON.parse(await ok(d.berth(['inspect', id])))[0];
    assert.deepEqual(info.HostConfig.LogConfig, { Type: 'none', Config: {} });
    const bad = await d.berth(['run', '--log-driver', 'none', '--log-opt', 'max-size=1m', 'busybox', 'true']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid logging opts for driver none/);
    // A container attached from the start still gets its output.
    assert.equal(await ok(d.docker(['run', '--rm', '--log-driver', 'none', 'busybox', 'echo', 'attached'])), 'attached\n');
  });

  it("the docker CLI: --log-opt, dockerd's errors, inspect, logs --details", { skip: !hasDocker }, async () => {
    let r = await d.docker(['create', '--log-driver', 'foo', 'busybox', 'true']);
    assert.equal(r.stderr.trim(), 'Error response from daemon: error looking up logging plugin foo: plugin "foo" not found');
    r = await d.docker(['create', '--log-opt', 'x=1', 'busybox', 'true']);
    assert.equal(r.stderr.trim(), "Error response from daemon: unknown log opt 'x' for json-file log driver");
    r = await d.docker(['run', '--log-opt', 'max-size=abc', 'busybox', 'true']);
    assert.match(r.stderr, /Error response from daemon: failed to initialize logging driver: invalid size: 'abc'/);
    r = await d.docker(['run', '--log-opt', 'max-file=0', 'busybox', 'true']);
    assert.match(r.stderr, /failed to initialize logging driver: max-file cannot be less than 1/);
    r = await d.docker(['run', '--log-opt', 'compress=true', 'busybox', 'true']);
    assert.match(r.stderr, /compress cannot be true when max-file is less than 2 or max-size is not set/);

    const plain = (await ok(d.docker(['run', '-d', 'busybox', 'echo', 'hi']))).trim();
    await waitExit(d, plain, 60_000);
    assert.equal(await ok(d.docker(['logs', '--details', plain])), ' hi\n');
    assert.equal((await ok(d.docker(['inspect', '-f', '{{json .HostConfig.LogConfig}}', plain]))).trim(), '{"Type":"json-file","Config":{}}');
    assert.match(await ok(d.docker(['inspect', '-f', '{{.LogPath}}', plain])), new RegExp(`${plain}-json\\.log`));

    const id = (await ok(d.docker([
      'run', '-d', '--label', 'b=2', '--label', 'a=1', '-e', 'E=x', '--log-opt', 'labels=b,a', '--log-opt', 'env=E', '--log-opt', 'max-size=1m',
      'busybox', 'echo', 'hi',
    ]))).trim();
    await waitExit(d, id, 60_000);
    assert.equal(await ok(d.docker(['logs', '--details', id])), 'E=x,a=1,b=2 hi\n');
    assert.equal(await ok(d.docker(['logs', id])), 'hi\n');
    assert.equal(await ok(d.berth(['logs', '--details', id])), 'E=x,a=1,b=2 hi\n');
    assert.equal((await ok(d.docker(['inspect', '-f', '{{json .HostConfig.LogConfig}}', id]))).trim(), '{"Type":"json-file","Config":{"env":"E","labels":"b,a","max-size":"1m"}}');
  });
});

describe('daemon.json log-driver and log-opts', { timeout: 300_000 }, () => {
  let d: TestDaemon;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-logcfg-'));
    const cfg = join(dir, 'daemon.json');
    writeFileSync(cfg, JSON.stringify({ 'log-driver': 'local', 'log-opts': { 'max-size': '30k', 'max-file': '2' } }));
    d = await startDaemon({ extraArgs: ['--config-file', cfg] });
    const tar = join(d.dir, 'rootfs.tar');
    writeFileSync(tar, busyboxRootfsTar());
    await ok(d.berth(['import', tar, 'busybox']));
  });
  after(async () => {
    await cleanupDaemon(d);
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the default driver and options at create; info shows the driver', async () => {
    assert.equal((await ok(d.berth(['info', '--format', '{{.LoggingDriver}}']))).trim(), 'local');
    const id = (await ok(d.berth(['run', '-d', 'busybox', 'seq', '1', '20000']))).trim();
    await waitExit(d, id, 60_000);
    const info = JSON.parse(await ok(d.berth(['inspect', id])))[0];
    assert.deepEqual(info.HostConfig.LogConfig, { Type: 'local', Config: { 'max-size': '30k', 'max-file': '2' } });
    const nums = (await ok(d.berth(['logs', id]))).trim().split('\n').map(Number);
    assert.equal(nums.at(-1), 20000);
    assert.ok(nums.length < 20000);
    for (let i = 0; i < 100 && logFiles(d, id, 'local-logs').some((f) => /\.1$|\.tmp$/.test(f.name)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(logFiles(d, id, 'local-logs').map((f) => f.name), ['container.log', 'container.log.1.gz']);
    // Another driver named by the container: the daemon's options are not merged.
    const other = (await ok(d.berth(['create', '--log-driver', 'json-file', 'busybox', 'true']))).trim();
    const oi = JSON.parse(await ok(d.berth(['inspect', other])))[0];
    assert.deepEqual(oi.HostConfig.LogConfig, { Type: 'json-file', Config: {} });
  });
});
