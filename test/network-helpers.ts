/**
 * Shared by the network root tests: Engine API calls on the test daemon's socket, an HTTP GET
 * on 127.0.0.1, and a snapshot of what a test daemon puts on the host (links on its bridges,
 * iptables rules naming its subnets or containers, network namespaces under its exec root),
 * to compare before and after.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { get, request } from 'node:http';
import { join } from 'node:path';
import type { TestDaemon } from './helpers/daemon.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary Engine API JSON and assert on its fields.
export function api(d: TestDaemon, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath: d.socket, method, path, headers: data ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** GET http://127.0.0.1:port/path, retried briefly while the server starts. */
export async function httpGet(port: number, path: string, tries = 50): Promise<string> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return await new Promise<string>((resolve, reject) => {
        const req = get({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
          let s = '';
          res.on('data', (c) => (s += c));
          res.on('end', () => resolve(s));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
      });
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}

export interface HostFootprint {
  links: string[];
  rules: string[];
  netns: string[];
}

/** What of `bridges`, `subnets` and `ids` (container IDs) is on the host now. */
export function footprint(d: TestDaemon, bridges: string[], subnets: string[], ids: string[]): HostFootprint {
  const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => bridges.some((b) => l.includes(`: ${b}:`) || l.includes(` master ${b} `)))
    .map((l) => l.replace(/^\d+: /, '').split(':')[0]!);
  const rules = execFileSync('iptables-save', { encoding: 'utf8' })
    .split('\n')
    .filter((l) => !l.startsWith('#') && (subnets.some((s) => l.includes(s)) || ids.some((id) => l.includes(id)) || bridges.some((b) => l.includes(` ${b} `))));
  const dir = join(d.execRoot, 'netns');
  // While berthd runs, the default bridge's pool of ready namespaces (pool-…) is no leftover.
  const running = d.process.exitCode === null && d.process.signalCode === null;
  const netns = (existsSync(dir) ? readdirSync(dir) : []).filter((n) => !(running && n.startsWith('pool-')));
  return { links, rules, netns };
}
