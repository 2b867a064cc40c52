/**
 * @module dockerfile/check-rules
 * The lint rules of `build --check`, after Docker's (same names, same messages): each reads the
 * syntax nodes and their typed instructions and reports findings with the line they concern.
 * Rules that need the base image (its env, its platform) look only at what the Dockerfile
 * itself says, so they never report what the base image might define.
 */
import { reasonOf } from './errors.js';
import type { Command } from './instructions/types.js';
import { checkChmod, checkSignal } from './instructions/validate.js';
import { expandCommand } from './expand.js';
import type { Node } from './parser/node.js';
import { BuildArgScope, platformArgs, type StageScope } from './scope.js';

export interface Finding {
  /** The lint rule; undefined for an error the step would fail with. */
  rule?: string;
  line: number;
  message: string;
}

/** One instruction as the rules see it: its node and, when it parsed, its typed form. */
export interface Checked {
  node: Node;
  cmd?: Command;
}

const reservedStageNames = new Set(['scratch', 'context']);
const secretRe = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const secretAllowRe = /(?:_|^)(?:public|file|version)(?:_|$)/i;

const isSelfConsistent = (s: string) => s === s.toLowerCase() || s === s.toUpperCase();

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** Work allowed for suggestions in one check (character pairs compared), so huge files stay fast. */
let suggestBudget = 0;

/** The closest option within distance 2 (BuildKit's suggest.Search), or undefined. */
export function suggest(value: string, options: Iterable<string>): string | undefined {
  let best: string | undefined;
  let min = 3;
  if (value.length > 256) return undefined;
  for (const o of options) {
    if (o === value) return undefined;
    if (Math.abs(o.length - value.length) >= min) continue;
    suggestBudget -= o.length * value.length;
    if (suggestBudget < 0) return undefined;
    const d = distance(value, o);
    if (d < min) [best, min] = [o, d];
  }
  return best;
}

function casingRule(items: readonly Checked[], out: Finding[]): void {
  let lower = 0;
  let upper = 0;
  for (const { node } of items) {
    if (!isSelfConsistent(node.keyword)) continue;
    if (node.keyword === node.keyword.toLowerCase()) lower++;
    else upper++;
  }
  const majorityLower = lower > upper;
  for (const { node } of items) {
    const want = majorityLower ? node.keyword.toLowerCase() : node.keyword.toUpperCase();
    if (node.keyword !== want) {
      out.push({
        rule: 'ConsistentInstructionCasing',
        line: node.startLine,
        message: `Command '${node.keyword}' should match the case of the command majority (${majorityLower ? 'lowercase' : 'uppercase'})`,
      });
    }
  }
}

function fromRules(
  node: Node, cmd: Extract<Command, { kind: 'FROM' }>, seen: Set<string>, global: BuildArgScope, escapeToken: string, out: Finding[],
): void {
  const line = node.startLine;
  const add = (rule: string, message: string) => out.push({ rule, line, message });
  if (node.args.length === 3) {
    const [, as, name] = node.args as [string, string, string];
    if (name !== name.toLowerCase()) add('StageNameCasing', `Stage name '${name}' should be lowercase`);
    if (isSelfConsistent(node.keyword) && as !== (node.keyword === node.keyword.toLowerCase() ? as.toLowerCase() : as.toUpperCase())) {
      add('FromAsCasing', `'${as}' and '${node.keyword}' keywords' casing do not match`);
    }
  }
  if (cmd.stageName !== undefined) {
    if (reservedStageNames.has(cmd.stageName)) add('ReservedStageName', `Stage name should not use the same name as reserved stage "${cmd.stageName}"`);
    if (seen.has(cmd.stageName)) add('DuplicateStageName', `Duplicate stage name "${cmd.stageName}", stage names should be unique`);
    seen.add(cmd.stageName);
  }
  const platform = cmd.platform;
  if (platform === '$TARGETPLATFORM' || platform === '${TARGETPLATFORM}') {
    add('RedundantTargetPlatform', `Setting platform to predefined ${platform} in FROM is redundant as this is the default behavior`);
  } else if (platform !== undefined && !platform.includes('$')) {
    const [os, arch] = platform.split('/');
    const stage = cmd.stageName ?? '';
    if (os && arch && !stage.includes(os) && !stage.includes(arch)) {
      add('FromPlatformFlagConstDisallowed', `FROM --platform flag should not use constant value ${JSON.stringify(platform)}`);
    }
  }
  let unmatched: Set<string>;
  try {
    unmatched = expandCommand(cmd, global.fromEnv(), { escapeToken }).unmatched;
  } catch {
    return; // the error shows when building
  }
  const declared = global.globalNames();
  for (const name of unmatched) {
    if (declared.includes(name)) continue;
    const s = suggest(name, declared);
    add('UndefinedArgInFrom', `FROM argument '${name}' is not declared${s ? ` (did you mean ${s}?)` : ''}`);
  }
}

/** Runs every rule; `items` are the instructions in order. */
export function lint(items: readonly Checked[], escapeToken: string): Finding[] {
  const out: Finding[] = [];
  suggestBudget = 5_000_000;
  casingRule(items, out);
  const global = new BuildArgScope({ predefined: platformArgs({ os: 'linux', architecture: 'amd64' }), escapeToken });
  const stageNames = new Set<string>();
  let inStage = false;
  let stage = global.stage();
  let used = new Map<string, number>();
  let shellSet = false;
  let workdirSeen = false;
  // What each stage leaves to a stage built FROM it (by name and by index).
  const finished: { name?: string; stage: StageScope; shellSet: boolean }[] = [];
  const finish = () => {
    if (inStage) finished[finished.length - 1]!.shellSet = shellSet;
  };
  for (const { node, cmd } of items) {
    if (!cmd) continue;
    const line = node.startLine;
    const add = (rule: string, message: string, at = line) => out.push({ rule, line: at, message });
    if (cmd.kind === 'FROM') {
      fromRules(node, cmd, stageNames, global, escapeToken, out);
      finish();
      const ref = cmd.image.toLowerCase();
      const parent = finished.find((f) => f.name === ref) ?? (/^[0-9]+$/.test(ref) ? finished[Number(ref)] : undefined);
      [inStage, stage, used, shellSet, workdirSeen] = [true, global.stage(parent?.stage.env() ?? []), new Map(), parent?.shellSet ?? false, false];
      finished.push({ ...(cmd.stageName !== undefined ? { name: cmd.stageName } : {}), stage, shellSet });
      continue;
    }
    if (!inStage) {
      if (cmd.kind === 'ARG') {
        try {
          global.addMetaArgs([cmd]);
        } catch {
          // reported when building
        }
      }
      continue;
    }
    switch (cmd.kind) {
      case 'CMD':
      case 'ENTRYPOINT':
      case 'HEALTHCHECK': {
        const prev = used.get(cmd.kind);
        if (prev !== undefined) {
          add('MultipleInstructionsDisallowed', `Multiple ${cmd.keyword} instructions should not be used in the same stage because only the last one will be used`, prev);
        }
        used.set(cmd.kind, line);
        if (cmd.kind !== 'HEALTHCHECK' && cmd.prependShell && !shellSet) {
          add('JSONArgsRecommended', `JSON arguments recommended for ${cmd.keyword} to prevent unintended behavior related to OS signals`);
        }
        break;
      }
      case 'SHELL':
        shellSet = true;
        break;
      case 'MAINTAINER':
        add('MaintainerDeprecated', 'Maintainer instruction is deprecated in favor of using label');
        break;
      case 'WORKDIR':
        if (!workdirSeen && !cmd.path.startsWith('/') && !cmd.path.startsWith('$')) {
          add('WorkdirRelativePath', `Relative workdir ${JSON.stringify(cmd.path)} can have unexpected results if the base image changes`);
        }
        workdirSeen = true;
        break;
      case 'EXPOSE':
        for (const spec of cmd.specs) {
          const proto = spec.includes('/') ? spec.slice(spec.indexOf('/') + 1) : '';
          if (proto !== proto.toLowerCase()) add('ExposeProtoCasing', `Defined protocol '${spec}' in EXPOSE instruction should be lowercase`);
          if (spec.includes(':')) add('ExposeInvalidFormat', `EXPOSE instruction should not define an IP address or host-port mapping, found '${spec}'`);
        }
        break;
    }
    if (cmd.kind === 'ENV' || cmd.kind === 'LABEL') {
      if (cmd.pairs.some((p) => p.legacy)) {
        add('LegacyKeyValueFormat', `"${cmd.keyword} key=value" should be used instead of legacy "${cmd.keyword} key value" format`);
      }
    }
    const keys = cmd.kind === 'ENV' ? cmd.pairs.map((p) => p.key) : cmd.kind === 'ARG' ? cmd.args.map((a) => a.key) : [];
    for (const key of keys) {
      if (secretRe.test(key) && !secretAllowRe.test(key)) {
        add('SecretsUsedInArgOrEnv', `Do not use ARG or ENV instructions for sensitive data (${cmd.kind} ${JSON.stringify(key)})`);
      }
    }
    if ((cmd.kind === 'RUN' || cmd.kind === 'CMD' || cmd.kind === 'ENTRYPOINT') && cmd.prependShell && /^\s*\[/.test(cmd.cmdLine[0] ?? '')) {
      add('MalformedExecForm', `${cmd.keyword} arguments look like a JSON array but are not valid JSON, so they run as a shell command`);
    }
    // Values Docker checks when the step runs: known here when the step uses no variable.
    const constant = !cmd.original.includes('$');
    let expanded;
    try {
      expanded = expandCommand(cmd, stage.getter(), { escapeToken });
      const c = expanded.command;
      if (constant && c.kind === 'STOPSIGNAL') checkSignal(c.signal);
      if (constant && (c.kind === 'COPY' || c.kind === 'ADD') && c.chmod !== undefined) checkChmod(c.chmod);
    } catch (e) {
      if (constant) out.push({ line, message: reasonOf(e) });
      if (!expanded) continue;
    }
    // The base image may define variables: only report names that look like a typo of one
    // this stage defines (BuildKit suggests from the same names).
    let options: Set<string> | undefined;
    for (const name of expanded.unmatched) {
      if (stage.isDefined(name) || suggestBudget <= 0) continue;
      if (!options) {
        options = new Set([...stage.getter().keys(), ...stage.declaredArgs()]);
        suggestBudget -= options.size * 16;
      }
      const s = suggest(name, options);
      if (s) add('UndefinedVar', `Usage of undefined variable '$${name}' (did you mean $${s}?)`);
    }
    stage.apply(expanded.command);
  }
  return out;
}
