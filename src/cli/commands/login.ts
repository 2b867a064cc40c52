/**
 * @module cli/commands/login
 * `berth login [-u USER] [-p PASS | --password-stdin] [SERVER]` and `berth logout [SERVER]`, as
 * the docker CLI: the daemon checks the credentials (POST /auth), the CLI stores them in
 * ~/.docker/config.json or a credential helper. Without a server, Docker Hub.
 */
import { ExitError, type CliContext, type Command } from '../command.js';
import { eraseCredentials, INDEX_SERVER, serverKey, storeCredentials } from '../credentials.js';

/** Reads one line from the terminal; `hidden` turns echo off (raw mode) for passwords. */
function promptLine(ctx: CliContext, prompt: string, hidden: boolean): Promise<string> {
  const stdin = ctx.stdin;
  ctx.out(prompt);
  return new Promise((resolve, reject) => {
    let line = '';
    const raw = hidden && stdin.isTTY === true;
    if (raw) stdin.setRawMode(true);
    const done = (err?: Error) => {
      stdin.off('data', onData);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      if (err) reject(err);
      else resolve(line);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          if (hidden) ctx.out('\n');
          return done();
        }
        if (ch === '\u0003') return done(new ExitError(130, ''));
        if (ch === '\u0004' && line === '') return done(new ExitError(1, 'Error: EOF'));
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else line += ch;
      }
    };
    stdin.on('data', onData);
    stdin.once('end', () => done());
    stdin.resume();
  });
}

async function readAllStdin(ctx: CliContext): Promise<string> {
  let s = '';
  for await (const c of ctx.stdin) s += (c as Buffer).toString('utf8');
  return s.replace(/[\r\n]+$/, '');
}

export const login: Command = {
  name: 'login',
  usage: '[OPTIONS] [SERVER]',
  description: 'Log in to a registry.\nIf no server is specified, the default is defined by the daemon.',
  args: { max: 1 },
  flags: [
    { long: 'password', short: 'p', type: 'string', help: 'Password', placeholder: 'string' },
    { long: 'password-stdin', type: 'bool', help: 'Take the password from stdin' },
    { long: 'username', short: 'u', type: 'string', help: 'Username', placeholder: 'string' },
  ],
  async run(ctx, args, flags) {
    const key = serverKey(args[0]);
    let username = flags.string('username');
    let password = flags.string('password');
    if (password) ctx.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    if (flags.bool('password-stdin')) {
      if (password) throw new ExitError(1, '--password and --password-stdin are mutually exclusive');
      if (!username) throw new ExitError(1, 'Must provide --username with --password-stdin');
      password = await readAllStdin(ctx);
    }
    if (!username || !password) {
      if (ctx.stdin.isTTY !== true) throw new ExitError(1, 'Error: Cannot perform an interactive login from a non TTY device');
      if (!username) {
        if (key === INDEX_SERVER) ctx.out('Log in with your Docker ID or email address to push and pull images from Docker Hub.\n');
        username = (await promptLine(ctx, 'Username: ', false)).trim();
        if (!username) throw new ExitError(1, 'Error: Non-null Username Required');
      }
      if (!password) {
        password = await promptLine(ctx, 'Password: ', true);
        if (!password) throw new ExitError(1, 'Error: Password Required');
      }
    }
    const client = await ctx.client();
    const res = await client.json<{ Status: string; IdentityToken?: string }>('POST', '/auth', {
      body: { username, password, serveraddress: key },
    });
    const stored = await storeCredentials(ctx.env, {
      username,
      password: res.IdentityToken ? '' : password,
      ...(res.IdentityToken ? { identitytoken: res.IdentityToken } : {}),
      serveraddress: key,
    });
    if (!stored.helper) {
      ctx.err(`WARNING! Your credentials are stored unencrypted in '${stored.file}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`);
    }
    ctx.out(`${res.Status || 'Login Succeeded'}\n`);
  },
};

export const logout: Command = {
  name: 'logout',
  usage: '[SERVER]',
  description: 'Log out from a registry.\nIf no server is specified, the default is defined by the daemon.',
  args: { max: 1 },
  async run(ctx, args) {
    const key = serverKey(args[0]);
    const shown = key === INDEX_SERVER ? key : args[0]!.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (!(await eraseCredentials(ctx.env, key))) {
      ctx.out(`Not logged in to ${shown}\n`);
      return;
    }
    ctx.out(`Removing login credentials for ${shown}\n`);
  },
};
