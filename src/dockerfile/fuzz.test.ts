/**
 * The frontend never throws anything but its own errors (LocationError / InvalidArgument) and
 * never hangs, on random bytes and on mutated corpus files. Deterministic: a fixed seed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../errdefs/index.js';
import { checkDockerfile } from './check.js';
import { DockerIgnore } from './dockerignore.js';
import { parseDockerfile } from './instructions/parse.js';
import { conformanceDir } from '../../test/helpers/conformance.js';
import { envFrom, expandWord, expandWords } from './shell-lex.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const alphabet = ['\\', '`', '$', '{', '}', '"', "'", '[', ']', ',', '\n', '\r', '\t', ' ', '#', '=', '-', '<', '<<EOF\n', 'EOF', ':', '-', '+', '?', '%', '/', '*',
  'FROM ', 'RUN ', 'COPY ', 'ENV ', 'ARG ', 'ONBUILD ', 'HEALTHCHECK ', '--from=', '\ufeff', 'é', '\u0000', 'AS '];

function ownError(e: unknown): boolean {
  return e instanceof InvalidArgument;
}

function exercise(text: string): void {
  for (const f of [
    () => parseDockerfile(text),
    () => checkDockerfile(text, 'Dockerfile'),
    () => expandWord(text, envFrom({ A: '1', NULL: '' })),
    () => expandWords(text, envFrom({ A: 'x y' })),
    () => DockerIgnore.fromText(text).excludes('a/b/c'),
  ]) {
    try {
      f();
    } catch (e) {
      if (!ownError(e)) {
        assert.fail(`unexpected ${(e as Error)?.constructor?.name}: ${(e as Error)?.message} for input ${JSON.stringify(text)}`);
      }
    }
  }
}

describe('frontend fuzz', () => {
  it('random inputs from a Dockerfile-ish alphabet and random bytes', () => {
    const r = rng(42);
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const n = Math.floor(r() * 60);
      for (let j = 0; j < n; j++) s += r() < 0.2 ? String.fromCharCode(Math.floor(r() * 256)) : alphabet[Math.floor(r() * alphabet.length)]!;
      exercise(s);
    }
  });

  it('mutated corpus files', () => {
    assert.ok(conformanceDir);
    const dir = join(conformanceDir, 'parser', 'testfiles');
    const corpus = readdirSync(dir).map((d) => readFileSync(join(dir, d, 'Dockerfile'), 'utf8'));
    const r = rng(7);
    let count = 0;
    for (const base of corpus) {
      for (let k = 0; k < 100; k++) {
        const chars = [...base];
        const edits = 1 + Math.floor(r() * 5);
        for (let e = 0; e < edits; e++) {
          const pos = Math.floor(r() * (chars.length + 1));
          const op = r();
          if (op < 0.4) chars.splice(pos, 1);
          else if (op < 0.8) chars.splice(pos, 0, alphabet[Math.floor(r() * alphabet.length)]!);
          else chars.splice(pos, 0, ...chars.slice(Math.floor(r() * chars.length), Math.floor(r() * chars.length)));
        }
        exercise(chars.join(''));
        count++;
      }
    }
    assert.ok(count >= 3000);
  });
});
