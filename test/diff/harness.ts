/**
 * The differential suite's machinery: runs a scenario's command lines with the docker CLI
 * against one daemon, records a transcript (each line's stdout, stderr and exit status),
 * normalizes what legitimately differs between two daemons (IDs, times, durations, the
 * scenario's directory, and whatever the scenario names), and cleans the daemon between
 * scenarios through the Engine API.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface Scenario {
  name: string;
  /** One command per line, run with `sh -c` in the scenario's own empty directory; `docker` is the docker CLI. */
  script: string;
  /** Extra replacements applied to both transcripts (after the standard ones). */
  normalize?: [RegExp, string][];
  /** Sort each command's stdout lines (where Docker's own order is not defined). */
  sortLines?: boolean;
  /** Seconds each line may take (default 30). */
  timeout?: number;
  /**
   * Runs with registries of the target's own: `$REG` (no auth) and `$AREG` (htpasswd, user
   * `u`, password `p`), both `127.0.0.1:PORT`, printed as `$REG` and `$AREG` in the transcript.
   */
  registry?: boolean;
}

export interface Target {
  name: string;
  /** unix:///path */
  host: string;
  /** Directory for the CLI config and scenario directories. */
  dir: string;
  /** A `docker` next to nothing else, prepended to PATH. */
  binDir: string;
  /** Variables for the scenarios (the registries' addresses); their values print as `$NAME`. */
  vars?: Record<string, string>;
}

interface Step {
  line: string;
  stdout: string;
  stderr: string;
  code: number;
}

function runLine(line: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Step> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', line], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n[timed out after ${timeoutMs / 1000}s]`;
      resolve({ line, stdout, stderr, code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15) });
    });
  });
}

/** Runs every line of a scenario against one daemon and returns the raw transcript. */
export async function runScenario(t: Target, s: Scenario, index: number): Promise<{ steps: Step[]; dir: string; vars?: Record<string, string> }> {
  const dir = join(t.dir, 'scenarios', String(index).padStart(3, '0'));
  await fs.mkdir(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: `${t.binDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: dir,
    LANG: 'C',
    TZ: 'UTC',
    DOCKER_HOST: t.host,
    DOCKER_CONFIG: join(t.dir, 'cli'),
    DOCKER_CLI_HINTS: 'false',
    // `docker inspect X | $KEYS` prints the shape of a JSON document (test/diff/json-keys.ts).
    KEYS: `${process.execPath} ${join(here, 'json-keys.js')}`,
    // `$INDEX HOST/REPO:TAG HOST/REPO:SRC=OS/ARCH...` puts a manifest list (test/diff/make-index.ts).
    INDEX: `${process.execPath} ${join(here, 'make-index.js')}`,
    ...t.vars,
  };
  const steps: Step[] = [];
  for (const raw of s.script.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    steps.push(await runLine(line, dir, env, (s.timeout ?? 30) * 1000));
  }
  return { steps, dir, vars: { ...t.vars, DOCKER_CONFIG: env.DOCKER_CONFIG! } };
}

const LONG_HEX = /\b[0-9a-f]{64}\b/g;
const SHORT_HEX = /\b[0-9a-f]{12}\b/g;

/** Maps each ID to `<ID n>` in order of first appearance; a 12-digit ID that prefixes a long one is the same n. */
function normalizeIds(text: string): string {
  const longs = [...new Set(text.match(LONG_HEX) ?? [])];
  const keyOf = (tok: string) => (tok.length === 64 ? tok : (longs.find((l) => l.startsWith(tok)) ?? tok));
  const numbers = new Map<string, number>();
  const any = /\b(?:[0-9a-f]{64}|[0-9a-f]{12})\b/g;
  for (const m of text.matchAll(any)) {
    const k = keyOf(m[0]);
    if (!numbers.has(k)) numbers.set(k, numbers.size + 1);
  }
  return text
    .replace(LONG_HEX, (tok) => `<ID${numbers.get(tok)}>`)
    .replace(SHORT_HEX, (tok) => `<id${numbers.get(keyOf(tok))}>`);
}

const STANDARD: [RegExp, string][] = [
  // RFC 3339 times and Go's default time format.
  [/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)\b/g, '<TIME>'],
  [/\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [+-]\d{4} [A-Z]+\b/g, '<TIME>'],
  // Human durations as `docker ps` and `docker images` print them.
  [/\b(?:\d+|Less than a|About a|About an|An?) (?:second|minute|hour)s?\b/g, '<DUR>'],
  // Table columns are as wide as their widest (time-dependent) cell.
  [/ {3,}/g, '   '],
  // The CLI's own race when the daemon refuses a copy before reading all of it.
  [/^2> time="<TIME>" level=error msg="Can't (?:add file .* to tar|close tar writer): io: read\/write on closed pipe"\n/gm, ''],
];

export function normalize(steps: Step[], dir: string, s: Scenario, vars: Record<string, string> = {}): string {
  let text = '';
  for (const st of steps) {
    let out = st.stdout;
    if (s.sortLines) out = out.split('\n').filter(Boolean).sort().join('\n') + (out ? '\n' : '');
    text += `$ ${st.line}\n${out}`;
    if (out && !out.endsWith('\n')) text += '\n';
    for (const l of st.stderr.split('\n')) if (l) text += `2> ${l}\n`;
    text += `[exit ${st.code}]\n`;
  }
  text = text.split(dir).join('$DIR');
  // Longest first, so a value that contains another is replaced whole.
  for (const [k, v] of Object.entries(vars).sort((a, b) => b[1].length - a[1].length)) text = text.split(v).join(`$${k}`);
  text = normalizeIds(text);
  for (const [re, to] of [...STANDARD, ...(s.normalize ?? [])]) text = text.replace(re, to);
  return text;
}

/** Engine API call over the daemon's unix socket; resolves with the status and parsed body. */
// biome-ignore lint/suspicious/noExplicitAny: scenarios compare arbitrary Engine API JSON of two daemons.
export function api(host: string, method: string, path: string, body?: Buffer): Promise<{ status: number; body: any }> {
  const socketPath = host.replace(/^unix:\/\//, '');
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method, path: `/v1.41${path}`, headers: body ? { 'Content-Type': 'application/x-tar', 'Content-Length': body.length } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Removes every container, user network, volume and image a scenario left, keeping the base image with its one tag and no digest. */
export async function clean(host: string, baseId: string, baseTag: string, baseTar: Buffer): Promise<void> {
  const cs = await api(host, 'GET', '/containers/json?all=1');
  for (const c of cs.body as { Id: string }[]) await api(host, 'DELETE', `/containers/${c.Id}?force=1&v=1`);
  const ns = await api(host, 'GET', '/networks');
  for (const n of ns.body as { Id: string; Name: string }[]) if (!['bridge', 'host', 'none'].includes(n.Name)) await api(host, 'DELETE', `/networks/${n.Id}`);
  const vs = await api(host, 'GET', '/volumes');
  for (const v of ((vs.body as { Volumes: { Name: string }[] | null }).Volumes ?? [])) await api(host, 'DELETE', `/volumes/${v.Name}?force=1`);
  const is = await api(host, 'GET', '/images/json?all=1');
  let haveBase = false;
  for (const im of is.body as { Id: string; RepoTags: string[] | null; RepoDigests: string[] | null }[]) {
    if (im.Id === baseId) {
      haveBase = true;
      for (const tag of im.RepoTags ?? []) if (tag !== baseTag) await api(host, 'DELETE', `/images/${encodeURIComponent(tag)}`);
      // Digest references a scenario's pull or push left on it (the base has none of its own).
      for (const d of im.RepoDigests ?? []) await api(host, 'DELETE', `/images/${encodeURIComponent(d)}`);
      continue;
    }
    await api(host, 'DELETE', `/images/${im.Id}?force=1`);
  }
  if (!haveBase || !((await api(host, 'GET', `/images/${baseTag}/json`)).status === 200)) {
    const r = await api(host, 'POST', '/images/load?quiet=1', baseTar);
    if (r.status !== 200) throw new Error(`reloading the base image: ${r.status} ${JSON.stringify(r.body)}`);
  }
}
