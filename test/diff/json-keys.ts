/**
 * `node json-keys.js [PREFIX]` reads JSON on stdin and prints every key path with its JSON type,
 * one a line, sorted (the first element stands for each array): what a differential scenario
 * compares when values legitimately differ but the shape must not. PREFIX limits the output
 * to paths starting with it.
 */
import { readFileSync } from 'node:fs';

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function walk(v: unknown, path: string, out: string[]): void {
  out.push(`${path || '.'}: ${typeOf(v)}`);
  if (Array.isArray(v)) {
    if (v.length > 0) walk(v[0], `${path}[]`, out);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, out);
  }
}

const out: string[] = [];
walk(JSON.parse(readFileSync(0, 'utf8')), '', out);
const prefix = process.argv[2] ?? '';
for (const l of out.filter((p) => p.startsWith(prefix)).sort()) console.log(l);
