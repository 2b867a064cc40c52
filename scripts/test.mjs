// Runs berth's tests with Node's test runner on the compiled output.
//   node scripts/test.mjs            every test: unit tests beside the code, then test/*.root.test.js
//   node scripts/test.mjs --unit     unit tests only (no root, runc or registry needed)
//   node scripts/test.mjs FILTER…    only test files whose path contains one of the FILTERs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const dist = join(root, 'dist');

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));
let files = walk(dist).sort();
if (unitOnly) files = files.filter((f) => !f.endsWith('.root.test.js'));
if (filters.length) files = files.filter((f) => filters.some((x) => relative(root, f).includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
if (!unitOnly && process.getuid && process.getuid() !== 0) {
  console.error('integration tests (*.root.test.js) need root; run with --unit for unit tests only');
  process.exit(1);
}
const unit = files.filter((f) => !f.endsWith('.root.test.js'));
const rootTests = files.filter((f) => f.endsWith('.root.test.js'));
let status = 0;
// The berth launcher's CLI host for this run lives in a directory of its own (never the user's),
// and is stopped at the end.
const cliDir = mkdtempSync(join(tmpdir(), 'berth-test-cli-'));
// Unit tests run in parallel; integration tests two at a time (each starts its own daemon).
for (const [group, concurrency] of [[unit, 2], [rootTests, 2]]) {
  if (group.length === 0) continue;
  const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...group], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, BERTH_TEST: '1', BERTH_CLI_DIR: cliDir, BERTH_CLI_IDLE_SECONDS: '120' },
  });
  if (r.status !== 0) status = r.status ?? 1;
}
try {
  process.kill(Number(readFileSync(join(cliDir, 'host.pid'), 'utf8')), 'SIGTERM');
} catch {
  /* no host was started */
}
rmSync(cliDir, { recursive: true, force: true });
process.exit(status);
