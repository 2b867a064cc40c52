import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aliasPaths } from './cli.js';
import { commands } from './commands/index.js';
import type { Command } from './command.js';

test('help lists every way to type a command, as docker does', () => {
  const build = commands.find((c) => c.name === 'build')!;
  assert.deepEqual(aliasPaths('berth build', build), ['berth build', 'berth builder build', 'berth image build']);
  assert.deepEqual(aliasPaths('berth image build', build), ['berth image build', 'berth build', 'berth builder build']);
  const ls = commands.find((c) => c.name === 'container')!.subcommands!.find((c) => c.name === 'ls')!;
  assert.deepEqual(aliasPaths('berth container ls', ls), ['berth container ls', 'berth container list', 'berth container ps']);
});

test('every multi-word alias a command claims is reachable through that management command', () => {
  const top = new Map(commands.map((c) => [c.name, c]));
  const missing: string[] = [];
  for (const c of commands) {
    for (const a of c.aliases ?? []) {
      if (!a.includes(' ')) continue;
      const [group, name] = a.split(' ') as [string, string];
      const subs: Command[] = top.get(group)?.subcommands ?? [];
      if (!subs.some((s) => s.name === name || s.aliases?.includes(name))) missing.push(`${c.name} as "${a}"`);
    }
  }
  assert.deepEqual(missing, []);
});
