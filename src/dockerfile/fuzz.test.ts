/**
 * Fuzzing the frontend: on random bytes and on mutated Dockerfiles (the conformance corpus and
 * a few of our own), parsing, stage parsing, word expansion with scoping, ONBUILD triggers,
 * heredoc scripts, `.dockerignore` and the checker throw nothing but the frontend's own errors
 * (LocationError / InvalidArgument), and every input is handled quickly (no hang).
 * Deterministic: fixed seeds.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { InvalidArgument } from '../errdefs/index.js';
import { dumpAst } from './ast-dump.js';
import { checkDockerfile } from './check.js';
import { DockerIgnore } from './dockerignore.js';
import { expandCommand } from './expand.js';
import { parseTrigger } from './instructions/parse.js';
import { runScript } from './instructions/run.js';
import { BuildArgScope, platformArgs } from './scope.js';
import { envFrom } from './shell-env.js';
import { expandWord, expandWords } from './shell-lex.js';
import { parseDockerfile } from './stages.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const testfiles = join(repoRoot, '..', 'shared', 'conformance', 'buildkit', 'parser', 'testfiles');

/** mulberry32: a small deterministic generator. */
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

const tokens = [
  '\\', '`', '$', '${', '}', '"', "'", '[', ']', ',', '\n', '\r\n', '\t', ' ', '#', '=', '-', '--', '<<', '<<-', '<<EOF\n', 'EOF\n', ':',
  ':-', '+', '?', '%%', '##', '/', '//', '*', '**', '!', 'FROM ', 'RUN ', 'COPY ', 'ADD ', 'ENV ', 'ARG ', 'LABEL ', 'ONBUILD ', 'CMD ',
  'HEALTHCHECK ', 'EXPOSE ', 'VOLUME ', 'SHELL ', 'WORKDIR ', 'USER ', 'STOPSIGNAL ', 'MAINTAINER ', ' AS ', 'NONE', '--from=', '--mount=',
  'type=cache,', 'target=', '--interval=', '1m30s', '80-90/udp', '# escape=`\n', '# syntax=x\n', '\ufeff', 'é', '한', '\u0000', '["a", "b"]',
];

const ownCorpus = [
  'ARG BASE=alpine\nFROM --platform=$BUILDPLATFORM ${BASE}:3 AS build\nARG TARGETOS\nRUN --mount=type=cache,target=/c,id=$TARGETOS make\nCOPY --from=build --chown=1:1 <<EOF /x\nhi $TARGETOS\nEOF\n',
  'FROM a\nONBUILD RUN <<-EOF\n\techo 1\n\tEOF\nHEALTHCHECK --interval=5s --retries=2 CMD ["x"]\nEXPOSE 80 443/udp 8000-8010\nVOLUME ["/v"]\n',
  '# escape=`\nFROM a\nENV A=1 B="two words" C=${A:-x}`\n  D=$B\nRUN echo `\n# c\n\n  done\nSHELL ["pwsh", "-c"]\nCMD echo\n',
  'FROM a\nRUN cat <<A <<"B" > /out\n$x\nA\n$y\nB\nADD --checksum=sha256:0 --keep-git-dir https://x/y.git /src\nUSER ${U:?set U}\n',
];

function corpus(): string[] {
  assert.ok(existsSync(testfiles), `conformance corpus missing: ${testfiles}`);
  return [...readdirSync(testfiles).sort().map((d) => readFileSync(join(testfiles, d, 'Dockerfile'), 'utf8')), ...ownCorpus];
}

function isOwn(e: unknown): boolean {
  return e instanceof InvalidArgument; // LocationError is an InvalidArgument
}

/** Everything a build would do with a Dockerfile's text, short of running it. */
function exercise(text: string): void {
  const steps: (() => unknown)[] = [
    () => {
      const df = parseDockerfile(text);
      dumpAst(df.ast);
      const g = new BuildArgScope({ buildArgs: { A: '1', HTTP_PROXY: 'p' }, predefined: platformArgs({ os: 'linux', architecture: 'amd64' }), escapeToken: df.escapeToken });
      g.addMetaArgs(df.metaArgs);
      for (const stage of df.stages) {
        try {
          expandCommand(stage.from, g.fromEnv(), { escapeToken: df.escapeToken });
        } catch (e) {
          if (!isOwn(e)) throw e;
        }
        const s = g.stage(['PATH=/bin']);
        for (const cmd of stage.commands) {
          try {
            const { command } = expandCommand(cmd, s.getter(), { escapeToken: df.escapeToken });
            s.apply(command);
            if (command.kind === 'RUN') runScript(command);
            if (command.kind === 'ONBUILD') parseTrigger(command.expression, command.location);
          } catch (e) {
            if (!isOwn(e)) throw e;
          }
        }
        s.runEnv();
        s.runBuildArgs();
      }
      g.unusedBuildArgs();
    },
    () => expandWord(text, envFrom({ A: '1', NULL: '' })),
    () => expandWords(text, envFrom({ A: 'x y' }), '`'),
    () => {
      const d = DockerIgnore.fromText(text);
      d.excludes('a/b/c');
      d.canSkipDir('a');
    },
  ];
  for (const step of steps) {
    try {
      step();
    } catch (e) {
      if (!isOwn(e)) assert.fail(`unexpected ${(e as Error)?.name}: ${(e as Error)?.message}\ninput: ${JSON.stringify(text)}`);
    }
  }
  // The checker reports problems; it never throws.
  try {
    checkDockerfile(text, 'Dockerfile');
  } catch (e) {
    assert.fail(`checkDockerfile threw ${String(e)}\ninput: ${JSON.stringify(text)}`);
  }
}

/**
 * CPU time of this process in ms. The bounds below are on CPU time, not on the clock: a busy
 * machine stretches the clock time of a parse (the process waits for a CPU), not its CPU time,
 * while a backtracking blow-up or a loop costs CPU time wherever it runs.
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function timed(text: string, slowest: { ms: number; input: string }): void {
  const t0 = cpuMs();
  exercise(text);
  const ms = cpuMs() - t0;
  if (ms > slowest.ms) Object.assign(slowest, { ms, input: text });
}

describe('frontend fuzz', { timeout: 120_000 }, () => {
  it('random bytes and random token soup', (t) => {
    const r = rng(0x5eed);
    const slowest = { ms: 0, input: '' };
    const decoder = new TextDecoder();
    let n = 0;
    for (; n < 2500; n++) {
      const len = Math.floor(r() * 120);
      if (n % 2 === 0) {
        const bytes = new Uint8Array(len);
        for (let j = 0; j < len; j++) bytes[j] = Math.floor(r() * 256);
        timed(decoder.decode(bytes), slowest);
      } else {
        let s = '';
        for (let j = 0; j < len / 3; j++) s += tokens[Math.floor(r() * tokens.length)]!;
        timed(s, slowest);
      }
    }
    t.diagnostic(`fuzz: ${n} random inputs, slowest ${slowest.ms.toFixed(1)}ms of CPU`);
    assert.ok(slowest.ms < 1000, `slow input (${slowest.ms}ms of CPU): ${JSON.stringify(slowest.input)}`);
  });

  it('mutated corpus files', (t) => {
    const files = corpus();
    const r = rng(7);
    const slowest = { ms: 0, input: '' };
    let n = 0;
    for (const base of files) {
      for (let k = 0; k < 80; k++, n++) {
        const chars = [...base];
        const edits = 1 + Math.floor(r() * 6);
        for (let e = 0; e < edits; e++) {
          const pos = Math.floor(r() * (chars.length + 1));
          const op = r();
          if (op < 0.35) chars.splice(pos, 1 + Math.floor(r() * 4));
          else if (op < 0.75) chars.splice(pos, 0, tokens[Math.floor(r() * tokens.length)]!);
          else if (op < 0.9) chars.splice(pos, 0, ...chars.slice(Math.floor(r() * chars.length), Math.floor(r() * chars.length)));
          else chars[pos] = String.fromCharCode(Math.floor(r() * 128));
        }
        timed(chars.join(''), slowest);
      }
    }
    t.diagnostic(`fuzz: ${n} mutated corpus inputs, slowest ${slowest.ms.toFixed(1)}ms of CPU`);
    assert.ok(n >= 2500);
    assert.ok(slowest.ms < 1000, `slow input (${slowest.ms}ms of CPU): ${JSON.stringify(slowest.input)}`);
  });

  it('adversarial inputs stay fast (no backtracking blow-ups)', () => {
    const inputs = [
      'FROM a\nRUN a' + ' '.repeat(50_000) + 'b\n',
      '# escape=' + ' \t'.repeat(20_000) + 'x\nFROM a\n',
      'FROM a\nENV X=${A//' + '*'.repeat(3000) + 'x/y} Y=${A%%' + '*?'.repeat(1000) + 'z}\n',
      'FROM a\nRUN x' + ' \\\n'.repeat(20_000) + 'y\n',
      'FROM a\nLABEL ' + 'k=v '.repeat(20_000) + '\n',
      'FROM a\nRUN ' + '<<E '.repeat(2000) + '\n' + 'E\n'.repeat(2000),
    ];
    for (const text of inputs) {
      const t0 = cpuMs();
      exercise(text);
      const ms = cpuMs() - t0;
      assert.ok(ms < 2000, `${ms.toFixed(0)}ms of CPU for ${JSON.stringify(text.slice(0, 40))}…`);
    }
    const t0 = cpuMs();
    expandWord('${A//' + '*'.repeat(3000) + 'x/y}', envFrom({ A: 'a'.repeat(3000) }));
    const d = DockerIgnore.fromText('*'.repeat(30) + 'x\n' + '**/'.repeat(30) + 'y\n!' + '?*'.repeat(20) + 'z\n');
    d.excludes('a/'.repeat(2000) + 'b');
    d.canSkipDir('a/'.repeat(1000) + 'b');
    assert.ok(cpuMs() - t0 < 2000, `${(cpuMs() - t0).toFixed(0)}ms of CPU`);
  });
});
