import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeRuntime } from '../../runtime/testing/fake-runtime.js';
import { healthcheckField } from './create-config.js';
import { healthSettings, nextHealth, type HealthLogEntry, type HealthState } from './health.js';
import { harness, type Harness } from './testing/harness.js';

const probe = (code: number): HealthLogEntry => ({ Start: 's', End: 'e', ExitCode: code, Output: '' });
const ms = 1e6;

describe('health check rules', () => {
  it('reads CMD, CMD-SHELL and NONE with dockerd\'s defaults', () => {
    assert.deepEqual(healthSettings({ Test: ['CMD-SHELL', 'curl -f localhost'] }), {
      args: ['/bin/sh', '-c', 'curl -f localhost'], intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0,
    });
    assert.deepEqual(healthSettings({ Test: ['CMD', 'true'], Interval: 5e9, Timeout: 2e9, Retries: 1, StartPeriod: 1e9 })?.args, ['true']);
    assert.equal(healthSettings({ Test: ['NONE'] }), undefined);
    assert.equal(healthSettings({ Test: [] }), undefined);
    assert.equal(healthSettings(undefined), undefined);
  });

  it('starting → healthy on a success; unhealthy after `retries` failures in a row; the start period forgives', () => {
    let h: HealthState = { Status: 'starting', FailingStreak: 0, Log: [] };
    h = nextHealth(h, probe(1), 2, true);
    assert.deepEqual([h.Status, h.FailingStreak], ['starting', 0], 'a failure in the start period does not count');
    h = nextHealth(h, probe(1), 2, false);
    assert.deepEqual([h.Status, h.FailingStreak], ['starting', 1]);
    h = nextHealth(h, probe(0), 2, false);
    assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 0]);
    h = nextHealth(h, probe(1), 2, true);
    assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 1], 'once healthy, the start period no longer forgives');
    h = nextHealth(h, probe(1), 2, false);
    assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 2]);
    for (let i = 0; i < 4; i++) h = nextHealth(h, probe(i), 2, false);
    assert.equal(h.Log.length, 5, 'the last five probes');
  });

  it('a request\'s health check takes what it leaves out from the image\'s', () => {
    const img = { Test: ['CMD', 'true'], Interval: 5 * ms, Retries: 4 };
    assert.deepEqual(healthcheckField(undefined, img), { Healthcheck: img });
    assert.deepEqual(healthcheckField({ Test: [], Timeout: 2 * ms }, img), { Healthcheck: { Test: ['CMD', 'true'], Timeout: 2 * ms, Interval: 5 * ms, Retries: 4 } });
    assert.deepEqual(healthcheckField({ Test: ['NONE'] }, img), { Healthcheck: { Test: ['NONE'], Interval: 5 * ms, Retries: 4 } });
    assert.deepEqual(healthcheckField(undefined, undefined), {});
  });
});

describe('health checks (fake runtime)', () => {
  let h: Harness<FakeRuntime>;
  beforeEach(async () => {
    h = await harness(new FakeRuntime());
  });
  afterEach(async () => {
    // No probe starts once the engine closes; the ones under way end.
    const closed = h.close();
    endProbes();
    await closed;
  });

  // A probe of `sleep` runs until the test ends it: the health cannot change before the test
  // says, however slow the machine (and the short interval keeps the test fast).
  const heldProbe = { Test: ['CMD', 'sleep', '1000'], Interval: 10 * ms, Timeout: 60_000 * ms };
  const probes = () => [...h.runtime.execs].filter(([execId, p]) => execId.startsWith('health-') && p.state === 'running').map(([, p]) => p);
  /** Ends the probe under way with `code` (0: it passed). */
  async function endProbe(code: number): Promise<void> {
    await h.until(() => probes().length > 0, 'a probe runs');
    for (const p of probes()) p.exit(code);
  }
  function endProbes(): void {
    for (const p of h.runtime.execs.values()) p.exit(137, 9);
  }

  it('a passing check makes the container healthy; ps shows it and filters on it', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'], Healthcheck: heldProbe });
    await h.containers.start(id);
    assert.equal((await h.inspect(id)).State.Health?.Status, 'starting');
    await endProbe(0);
    await h.until(async () => (await h.inspect(id)).State.Health?.Status === 'healthy', 'healthy');
    const [row] = await h.containers.list({ all: false, size: false, filters: new Map([['health', ['healthy']]]) });
    assert.match(row!.Status, / \(healthy\)$/);
    assert.equal((await h.containers.list({ all: false, size: false, filters: new Map([['health', ['none']]]) })).length, 0);
    await assert.rejects(h.containers.list({ all: false, size: false, filters: new Map([['health', ['sick']]]) }), /Unrecognised filter value for health: sick/);
  });

  it('failing checks make it unhealthy after the retries; a probe past its timeout is killed and logged', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'], Healthcheck: { Test: ['CMD', 'sleep', '1000'], Interval: 10 * ms, Timeout: 30 * ms, Retries: 2 } });
    await h.containers.start(id);
    await h.until(async () => (await h.inspect(id)).State.Health?.Status === 'unhealthy', 'unhealthy');
    const health = (await h.inspect(id)).State.Health!;
    assert.ok(health.FailingStreak >= 2);
    assert.deepEqual([health.Log[0]!.ExitCode, health.Log[0]!.Output], [-1, 'Health check exceeded timeout (30ms)']);
    const [row] = await h.containers.list({ all: false, size: false, filters: new Map() });
    assert.match(row!.Status, / \(unhealthy\)$/);
  });

  it('a stopped container is no longer probed; a restart starts over; a daemon restart keeps the health', async () => {
    const id = await h.create({ Cmd: ['sleep', '1000'], Healthcheck: heldProbe });
    await h.containers.start(id);
    await endProbe(0);
    await h.until(async () => (await h.inspect(id)).State.Health?.Status === 'healthy', 'healthy');
    await h.restartDaemon();
    assert.equal((await h.inspect(id)).State.Health?.Status, 'healthy', 'kept across a daemon restart');
    const { result } = await h.io.wait(id, 'next-exit');
    h.runtime.exit(id, 0);
    await result;
    // The probe under way dies with the container; a check still going would start the next
    // one 10 ms later: 40 intervals without one.
    endProbes();
    const execs = h.runtime.calls.get('exec') ?? 0;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(h.runtime.calls.get('exec') ?? 0, execs, 'no probe after the exit');
    await h.containers.start(id);
    assert.equal((await h.inspect(id)).State.Health?.Status, 'starting');
  });
});
