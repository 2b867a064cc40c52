/**
 * Errors never leak internals (issue 13): every JSON request body the API takes (container
 * create, exec create and start, volume create) and the JSON query parameters, fuzzed against
 * a real berthd: each field of each body's schema set to values of every wrong JSON type,
 * null, and huge values; bodies missing, truncated, of the wrong top-level type, with extra
 * fields, and over the size limit. Every answer must be a 2xx or a 4xx, and no error message
 * may show a path under the daemon's data root or a JavaScript error's text.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { containerCreateSchema, execCreateSchema, execStartSchema, volumeCreateSchema } from '../src/api/request-schemas.js';
import type { Schema } from '../src/api/schema.js';
import { cleanupDaemon, daemonWithBusybox, ok } from './containers-helpers.js';
import type { TestDaemon } from './helpers/daemon.js';

interface Answer {
  status: number;
  body: string;
}

function call(socket: string, method: string, path: string, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers: body === undefined ? {} : { 'Content-Type': 'application/json' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const HUGE = 'h'.repeat(200_000);

/** Values of JSON types other than the schema's (and null, and a huge one of its own type). */
function confused(x: Schema): unknown[] {
  const all: Record<string, unknown> = { string: 'x', number: 5, float: 1.5, negative: -1, big: 1e300, bool: true, array: [1, 'a', null], object: { a: 1 }, nested: [[[[{}]]]] };
  const wrong = (keep: string[]) => Object.entries(all).filter(([k]) => !keep.includes(k)).map(([, v]) => v);
  switch (x.kind) {
    case 'string':
      return [...wrong(['string']), null, HUGE];
    case 'bool':
      return [...wrong(['bool']), null];
    case 'int':
      return [...wrong(['number', 'negative']), null, Number.MAX_SAFE_INTEGER + 2];
    case 'float':
      return [...wrong(['number', 'float', 'negative', 'big']), null];
    case 'strslice':
      return [...wrong(['string']), null, [HUGE]];
    case 'ptr':
      return confused(x.of);
    case 'array':
      return [...wrong(['array', 'nested']), null, [null], Array.from({ length: 10_000 }, () => null)];
    case 'map':
      return [...wrong(['object']), null, { k: 5 }, { k: [1] }];
    case 'struct':
      return [...wrong(['object']), null];
    case 'any':
      return [null, 5, HUGE];
  }
}

/** Every field path of a struct schema (into structs and lists of structs), with a setter. */
function fieldPaths(x: Schema, depth = 0): { path: string; wrap: (v: unknown) => unknown; schema: Schema }[] {
  if (x.kind !== 'struct' || depth > 3) return [];
  const out: { path: string; wrap: (v: unknown) => unknown; schema: Schema }[] = [];
  for (const [name, f] of Object.entries(x.fields)) {
    out.push({ path: name, wrap: (v) => ({ [name]: v }), schema: f });
    const inner = f.kind === 'array' && f.of.kind === 'struct' ? f.of : f.kind === 'map' && f.of.kind === 'struct' ? f.of : f;
    for (const sub of fieldPaths(inner, depth + 1)) {
      const wrap =
        f.kind === 'array' ? (v: unknown) => ({ [name]: [sub.wrap(v)] }) : f.kind === 'map' ? (v: unknown) => ({ [name]: { k: sub.wrap(v) } }) : (v: unknown) => ({ [name]: sub.wrap(v) });
      out.push({ path: `${name}.${sub.path}`, wrap, schema: sub.schema });
    }
  }
  return out;
}

function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] = b && typeof b === 'object' && !Array.isArray(b) && v && typeof v === 'object' && !Array.isArray(v) ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

describe('API request bodies under fuzzing', { timeout: 900_000 }, () => {
  let d: TestDaemon;
  let running = '';
  let execId = '';
  before(async () => {
    d = await daemonWithBusybox();
    running = (await ok(d.berth(['run', '-d', 'busybox', 'sleep', '600']))).trim();
  });
  after(async () => {
    const vols = (await d.berth(['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
    await cleanupDaemon(d);
    assert.ok(vols.length >= 0);
  });

  const failures: string[] = [];
  const check = (what: string, a: Answer) => {
    if (a.status >= 500 || a.status < 200) failures.push(`${what} → ${a.status} ${a.body.slice(0, 300)}`);
    if (a.status >= 400 && (a.body.includes(d.dataRoot) || a.body.includes(d.execRoot))) failures.push(`${what} → leaks a host path: ${a.body.slice(0, 300)}`);
    if (/is not a function|Cannot read propert|undefined is not|is not iterable|Maximum call stack/.test(a.body)) failures.push(`${what} → leaks a JS error: ${a.body.slice(0, 300)}`);
  };

  async function fuzz(method: string, path: () => string, schema: Schema, base: Record<string, unknown>): Promise<number> {
    let n = 0;
    for (const f of fieldPaths(schema)) {
      for (const v of confused(f.schema)) {
        const body = JSON.stringify(merge(base, f.wrap(v) as Record<string, unknown>));
        check(`${method} ${path()} ${f.path}=${JSON.stringify(v)?.slice(0, 40)}`, await call(d.socket, method, path(), body));
        n++;
      }
    }
    const whole = ['', 'null', '5', '"x"', 'true', '[]', '[{}]', '{', '{"a":', '\u0000', '{}', JSON.stringify({ ...base, Extra: { deep: [1, { x: null }] }, extra2: 5 }), '['.repeat(100_000) + ']'.repeat(100_000)];
    for (const b of whole) {
      check(`${method} ${path()} body ${JSON.stringify(b.slice(0, 20))}`, await call(d.socket, method, path(), b));
      n++;
    }
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])));
    check(`${method} ${path()} 100,000 fields`, await call(d.socket, method, path(), many));
    return n + 1;
  }

  it('answers every type-confused, missing, extra and huge body with a 4xx (or success), never a 500', async () => {
    let n = 0;
    n += await fuzz('POST', () => '/containers/create', containerCreateSchema, { Image: 'busybox', Cmd: ['true'] });
    n += await fuzz('POST', () => `/containers/${running}/exec`, execCreateSchema, { Cmd: ['true'], AttachStdout: false });
    const created = await call(d.socket, 'POST', `/containers/${running}/exec`, JSON.stringify({ Cmd: ['sleep', '1'] }));
    assert.equal(created.status, 201, created.body);
    execId = (JSON.parse(created.body) as { Id: string }).Id;
    n += await fuzz('POST', () => `/exec/${execId}/start`, execStartSchema, { Detach: true });
    n += await fuzz('POST', () => '/volumes/create', volumeCreateSchema, { Name: 'fuzz-vol' });
    // Over the body limit.
    check('POST /containers/create 65 MiB body', await call(d.socket, 'POST', '/containers/create', Buffer.alloc(65 << 20, 0x20)));
    // JSON query parameters.
    for (const v of ['5', '"x"', '[1]', '{"a":5}', '{"label":5}', '{"label":[{"x":1}]}', '{"label":{"a":"b"}}', 'null', '{', '[[[[]]]]']) {
      const q = encodeURIComponent(v);
      for (const p of [`/containers/json?all=1&filters=${q}`, `/images/json?filters=${q}`, `/volumes?filters=${q}`, `/containers/prune?filters=${q}`]) {
        const method = p.includes('prune') ? 'POST' : 'GET';
        check(`${method} ${p}`, await call(d.socket, method, p));
        n++;
      }
      for (const name of ['buildargs', 'labels', 'cachefrom']) {
        check(`POST /build?${name}=${v}`, await call(d.socket, 'POST', `/build?${name}=${q}`, ''));
        n++;
      }
    }
    assert.ok(n > 1000, `only ${n} requests`);
    assert.deepEqual(failures, []);
  });

  it("says Docker's words for a wrong type, and shows no host path in errors", async () => {
    const a = await call(d.socket, 'POST', '/containers/create', JSON.stringify({ Image: 5 }));
    assert.equal(a.status, 400);
    assert.equal(JSON.parse(a.body).message, 'invalid JSON: json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Image of type string');
    const id = (await ok(d.berth(['create', 'busybox', 'true']))).trim();
    const missing = await call(d.socket, 'GET', `/containers/${id}/archive?path=/no/such/file`);
    assert.equal(missing.status, 404);
    assert.ok(!missing.body.includes(d.dataRoot), missing.body);
  });
});
