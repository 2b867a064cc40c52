/**
 * @module cli/commands/cp
 * `berth cp CONTAINER:SRC_PATH DEST_PATH|-` and `berth cp SRC_PATH|- CONTAINER:DEST_PATH`,
 * through GET/PUT /containers/{id}/archive. Local files are packed and unpacked with the
 * system's tar. As docker: copying to an existing directory puts the source inside it;
 * otherwise the copy takes the destination's name; `-` streams a tar.
 */
import { spawn } from 'node:child_process';
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { isDaemonError, type Client } from '../../client/client.js';
import { messageOf } from '../../errdefs/index.js';
import { ExitError, type Command } from '../command.js';
import { enc } from './container-each.js';

function splitArg(a: string): { container?: string; path: string } {
  if (a.startsWith('/') || a.startsWith('.') || a === '-') return { path: a };
  const i = a.indexOf(':');
  if (i <= 0) return { path: a };
  return { container: a.slice(0, i), path: a.slice(i + 1) };
}

function runTar(args: string[], input?: Readable, output?: NodeJS.WritableStream): Promise<void> {
  return new Promise((res, rej) => {
    const child = spawn('tar', args, { stdio: [input ? 'pipe' : 'ignore', output ? 'pipe' : 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    if (input) input.pipe(child.stdin!);
    if (output) child.stdout!.pipe(output as NodeJS.WritableStream & import('node:stream').Writable, { end: false });
    child.on('error', rej);
    child.on('close', (code) => (code === 0 ? res() : rej(new ExitError(1, err.trim() || `tar exited with ${code}`))));
  });
}

async function statRemote(client: Client, container: string, path: string): Promise<{ mode: number; linkTarget?: string } | undefined> {
  try {
    const r = await client.request('HEAD', `/containers/${enc(container)}/archive`, { query: { path } });
    r.resume();
    const h = r.headers['x-docker-container-path-stat'];
    return h ? (JSON.parse(Buffer.from(String(h), 'base64').toString()) as { mode: number; linkTarget?: string }) : undefined;
  } catch (e) {
    if (isDaemonError(e) && e.status === 404) return undefined;
    throw e;
  }
}

const isDirMode = (mode: number) => (mode & 0x80000000) !== 0;
/** Go's os.ModeSymlink in a path stat's mode. */
const isSymlinkMode = (mode: number) => (mode & 0x8000000) !== 0;

/** A GNU tar --transform renaming the leading `from` of member names (not symlink targets) to `to`. */
export function renameTransform(from: string, to: string): string {
  const re = from.replace(/[|\\&.*^$[\]]/g, '\\$&');
  const rep = to.replace(/[|\\&]/g, '\\$&');
  return `s|^${re}|${rep}|S`;
}

/** The name the daemon gives the archive's top entry for a source path (Docker's filepath.Base). */
export function topEntryName(path: string): string {
  if (path === '.' || path.endsWith('/.')) return '.';
  return basename(path.replace(/\/+$/, '')) || '.';
}

export const cp: Command = {
  name: 'cp',
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  description: 'Copy files/folders between a container and the local filesystem',
  args: { min: 2, max: 2 },
  flags: [
    { long: 'archive', short: 'a', type: 'bool', help: 'Archive mode (copy all uid/gid information)' },
    { long: 'follow-link', short: 'L', type: 'bool', help: 'Always follow symbol link in SRC_PATH' },
    { long: 'quiet', short: 'q', type: 'bool', help: 'Suppress progress output during copy' },
  ],
  async run(ctx, args, flags) {
    const src = splitArg(args[0]!);
    const dst = splitArg(args[1]!);
    if (src.container && dst.container) throw new ExitError(1, 'copying between containers is not supported');
    if (!src.container && !dst.container) throw new ExitError(1, 'must specify at least one container source');
    const client = await ctx.client();
    try {
      if (src.container) {
        // -L: a symlink's target is copied, under the link's name (the docker CLI's rebase).
        let from = src.path;
        if (flags.bool('follow-link')) {
          const st = await statRemote(client, src.container, src.path);
          if (st && isSymlinkMode(st.mode) && st.linkTarget) from = st.linkTarget;
        }
        const res = await client.request('GET', `/containers/${enc(src.container)}/archive`, { query: { path: from } });
        if (dst.path === '-') {
          for await (const c of res) ctx.stdout.write(c as Buffer);
          return;
        }
        const dest = ctx.resolve(dst.path);
        let destIsDir = false;
        try {
          destIsDir = statSync(dest).isDirectory();
        } catch {
          /* new name */
        }
        const name = topEntryName(from);
        if (destIsDir && from !== src.path) {
          await runTar(['-x', '--no-same-owner', '-C', dest, '-f', '-', '--transform', renameTransform(name, topEntryName(src.path))], res);
        } else if (destIsDir) await runTar(['-x', '--no-same-owner', '-C', dest, '-f', '-'], res);
        else await runTar(['-x', '--no-same-owner', '-C', dirname(dest), '-f', '-', '--transform', renameTransform(name, basename(dest))], res);
        return;
      }
      const container = dst.container!;
      if (src.path === '-') {
        (await client.request('PUT', `/containers/${enc(container)}/archive`, { query: { path: dst.path }, body: ctx.stdin, headers: { 'Content-Type': 'application/x-tar' } })).resume();
        return;
      }
      const given = ctx.resolve(src.path);
      try {
        statSync(given);
      } catch {
        throw new ExitError(1, `lstat ${given}: no such file or directory`);
      }
      // -L: a symlink is replaced by what it points to, sent under the link's name.
      const local = flags.bool('follow-link') && lstatSync(given).isSymbolicLink() ? realpathSync(given) : given;
      const st = await statRemote(client, container, dst.path);
      let target: string;
      let entry: string;
      if (st && isDirMode(st.mode)) {
        target = dst.path;
        entry = basename(given);
      } else {
        target = dirname(dst.path) || '/';
        entry = basename(dst.path);
      }
      const tar = spawn('tar', ['-c', '-C', dirname(local), '-f', '-', '--transform', renameTransform(basename(local), entry), basename(local)], { stdio: ['ignore', 'pipe', 'inherit'] });
      (await client.request('PUT', `/containers/${enc(container)}/archive`, { query: { path: target, copyUIDGID: flags.bool('archive') ? 1 : undefined }, body: tar.stdout, headers: { 'Content-Type': 'application/x-tar' } })).resume();
    } catch (e) {
      if (isDaemonError(e)) throw new ExitError(1, `Error response from daemon: ${messageOf(e)}`);
      throw e;
    }
  },
};
