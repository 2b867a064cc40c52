/**
 * @module cli/cli
 * The `berth` command: global options, command lookup (with management subcommands), flag
 * parsing, help, and docker's error conventions — flag errors exit 125, daemon errors print
 * `Error response from daemon: …` and exit 1, commands may choose their own status. It runs
 * in a process of its own (cli/main) or as one of many commands of a CLI host (cli/host), so
 * it takes the caller's stdio, working directory, environment and signals from `io`.
 */
import { resolve } from 'node:path';
import { isDaemonError } from '../client/client.js';
import { messageOf } from '../errdefs/index.js';
import { BERTH_VERSION } from '../util/version.js';
import { ExitError, type CliContext, type CliIO, type Command } from './command.js';
import { commands } from './commands/index.js';
import { connect } from './connect.js';
import { FlagError, formatFlagHelp, parseFlags, type FlagSpec } from '../util/flags.js';

const globalFlags: FlagSpec[] = [
  { long: 'host', short: 'H', type: 'string', help: 'Daemon socket to connect to (unix:///path or tcp://host:port)', placeholder: 'string' },
  { long: 'debug', short: 'D', type: 'bool', help: 'Enable debug mode' },
  { long: 'log-level', short: 'l', type: 'string', help: 'Set the logging level ("debug"|"info"|"warn"|"error"|"fatal")', default: 'info' },
  { long: 'config', type: 'string', help: 'Location of client config files', hidden: true },
  { long: 'version', short: 'v', type: 'bool', help: 'Print version information and quit' },
];

function topHelp(): string {
  const visible = commands.filter((c) => !c.hidden);
  const mgmt = visible.filter((c) => c.subcommands);
  const plain = visible.filter((c) => !c.subcommands);
  const w = Math.max(...visible.map((c) => c.name.length)) + 2;
  const list = (cs: Command[]) => cs.map((c) => `  ${c.name.padEnd(w)}${c.description}`).join('\n');
  return (
    `\nUsage:  berth [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\n` +
    (mgmt.length ? `Management Commands:\n${list(mgmt)}\n\n` : '') +
    `Commands:\n${list(plain)}\n\nGlobal Options:\n${formatFlagHelp(globalFlags)}\n\n` +
    `Run 'berth COMMAND --help' for more information on a command.\n`
  );
}

/**
 * The ways to type a command, as docker's help lists them: a one-word alias replaces the last
 * word (`container ls` → `container list`); a longer one is a path from the root (`build` is also
 * `builder build` and `image build`), so the top-level form is listed too.
 */
export function aliasPaths(path: string, cmd: Command): string[] {
  const root = path.split(' ')[0]!;
  const aliases = cmd.aliases ?? [];
  const full = aliases.filter((a) => a.includes(' '));
  const forms = [
    path,
    ...(full.length ? [`${root} ${cmd.name}`] : []),
    ...full.map((a) => `${root} ${a}`),
    ...aliases.filter((a) => !a.includes(' ')).map((a) => path.replace(/\S+$/, a)),
  ];
  return [...new Set(forms)];
}

function commandHelp(path: string, cmd: Command): string {
  let s = `\nUsage:  ${path} ${cmd.subcommands ? 'COMMAND' : cmd.usage}\n\n${cmd.description}\n`;
  if (cmd.aliases?.length) s += `\nAliases:\n  ${aliasPaths(path, cmd).join(', ')}\n`;
  if (cmd.subcommands) {
    const w = Math.max(...cmd.subcommands.map((c) => c.name.length)) + 2;
    s += `\nCommands:\n${cmd.subcommands.filter((c) => !c.hidden).map((c) => `  ${c.name.padEnd(w)}${c.description}`).join('\n')}\n`;
    s += `\nRun '${path} COMMAND --help' for more information on a command.\n`;
  } else {
    s += `\nOptions:\n${formatFlagHelp(cmd.flags ?? [])}\n`;
  }
  return s;
}

function find(list: Command[], name: string): Command | undefined {
  return list.find((c) => c.name === name || c.aliases?.includes(name));
}

function argsError(path: string, cmd: Command, n: number): string | undefined {
  const { min, max } = cmd.args ?? {};
  const plural = (k: number) => `${k} argument${k === 1 ? '' : 's'}`;
  let problem: string | undefined;
  if (min !== undefined && max !== undefined && min === max && n !== min) problem = `requires exactly ${plural(min)}`;
  else if (min !== undefined && n < min) problem = `requires at least ${plural(min)}`;
  else if (max !== undefined && n > max) problem = max === 0 ? 'accepts no arguments' : `requires at most ${plural(max)}`;
  if (!problem) return undefined;
  return `"${path}" ${problem}.\nSee '${path} --help'.\n\nUsage:  ${path} ${cmd.usage}\n\n${cmd.description}\n`;
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const { stdout, stderr } = io;
  let path = 'berth';
  try {
    const g = parseFlags(argv, globalFlags, { interspersed: false });
    if (g.flags.bool('version')) {
      stdout.write(`Berth version ${BERTH_VERSION}\n`);
      return 0;
    }
    if (g.help || g.args.length === 0) {
      (g.args.length === 0 && !g.help ? stderr : stdout).write(topHelp());
      return 0;
    }
    let rest = g.args;
    let cmd = find(commands, rest[0]!);
    if (!cmd) {
      stderr.write(`berth: '${rest[0]}' is not a berth command.\nSee 'berth --help'\n`);
      return 1;
    }
    path += ` ${cmd.name}`;
    rest = rest.slice(1);
    while (cmd.subcommands) {
      const sub: Command | undefined = rest[0] !== undefined ? find(cmd.subcommands, rest[0]) : undefined;
      if (!sub) {
        if (rest.length === 0 || rest[0] === '--help' || rest[0] === '-h') {
          stdout.write(commandHelp(path, cmd));
          return 0;
        }
        stderr.write(`berth: '${rest[0]}' is not a berth command.\nSee '${path} --help'\n`);
        return 1;
      }
      cmd = sub;
      path += ` ${sub.name}`;
      rest = rest.slice(1);
    }
    const parsed = parseFlags(rest, cmd.flags ?? [], { interspersed: cmd.interspersed ?? true });
    if (parsed.help) {
      stdout.write(commandHelp(path, cmd));
      return 0;
    }
    const bad = argsError(path, cmd, parsed.args.length);
    if (bad) {
      stderr.write(bad);
      return 1;
    }
    const host = g.flags.string('host') || undefined;
    const ctx: CliContext = {
      ...io,
      resolve: (p) => resolve(io.cwd, p),
      client: () => {
        io.client ??= connect({ host, env: io.env, notify: (l) => stderr.write(l + '\n'), agent: io.agent });
        return io.client;
      },
      out: (t) => void stdout.write(t),
      err: (t) => void stderr.write(t),
    };
    return (await cmd.run!(ctx, parsed.args, parsed.flags)) ?? 0;
  } catch (e) {
    if (e instanceof FlagError) {
      stderr.write(`${messageOf(e)}\nSee '${path} --help'.\n`);
      return 125;
    }
    if (e instanceof ExitError) {
      if (e.message) stderr.write(e.message.endsWith('\n') ? e.message : e.message + '\n');
      return e.status;
    }
    if (isDaemonError(e)) {
      stderr.write(`Error response from daemon: ${messageOf(e)}\n`);
      return 1;
    }
    stderr.write(`${messageOf(e)}\n`);
    if (io.env.BERTH_DEBUG) stderr.write(`${(e as Error)?.stack}\n`);
    return 1;
  }
}

