/**
 * COPY and ADD as Docker does them (checked against dockerd 20.10 with the same contexts):
 * wildcards, directory contents, destination rules, --chown by name, setuid, symlinks, hard
 * links, empty directories, odd names, .dockerignore, --chmod, --from, heredocs, ADD archives
 * and URLs, and paths leaving the context.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, imageFiles, type makeContext, type BuildDaemon, type FileInfo } from './build-fixture.js';

describe('berth build: COPY and ADD', () => {
  let b: BuildDaemon;
  let server: Server;
  let port = 0;
  const ctx = (files: Parameters<typeof makeContext>[0]) => b.context(files);
  const buildFiles = async (files: Parameters<typeof makeContext>[0], tag: string, args: string[] = []): Promise<Map<string, FileInfo>> => {
    const r = await b.build(ctx(files), ['-t', tag, ...args]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    return imageFiles(b.d, tag);
  };
  before(async () => {
    b = await buildDaemon();
    server = createServer((req, res) => {
      if (req.url === '/files/served.txt') {
        res.writeHead(200, { 'Last-Modified': 'Wed, 01 Jan 2020 00:00:00 GMT' });
        res.end('served\n');
      } else {
        res.writeHead(404);
        res.end('no such file\n');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    server.close();
    await b.cleanup();
  });

  it('copies wildcards, directory contents (flattened for wildcard dirs) and follows the trailing-slash rules', async () => {
    const f = await buildFiles(
      {
        'a.txt': 'A', 'b.txt': 'B', 'c.md': 'C', 'd1/x': 'x', 'd2/y': 'y', 'd2/sub/z': 'z', 'dir/inner/file': 'f',
        Dockerfile: [
          'FROM busybox', 'COPY *.txt /multi/', 'COPY d? /flat/', 'COPY dir /copied', 'COPY dir/ /copied2/',
          'COPY a.txt /newfile', 'COPY a.txt /newdir/', 'COPY a.txt /tmp', 'COPY a.txt relative', 'WORKDIR /w', 'COPY b.txt .', '',
        ].join('\n'),
      },
      'copy:wild',
    );
    assert.equal(f.get('/multi/a.txt')?.content, 'A');
    assert.equal(f.get('/multi/b.txt')?.content, 'B');
    assert.ok(!f.has('/multi/c.md'));
    assert.equal(f.get('/flat/x')?.content, 'x');
    assert.equal(f.get('/flat/y')?.content, 'y');
    assert.equal(f.get('/flat/sub/z')?.content, 'z');
    assert.ok(!f.has('/flat/d1'));
    assert.equal(f.get('/copied/inner/file')?.content, 'f');
    assert.ok(!f.has('/copied/dir'));
    assert.equal(f.get('/copied2/inner/file')?.content, 'f');
    assert.equal(f.get('/newfile')?.type, 'file');
    assert.equal(f.get('/newdir/a.txt')?.content, 'A');
    assert.equal(f.get('/tmp/a.txt')?.content, 'A', 'an existing directory receives the file');
    assert.equal(f.get('/relative')?.content, 'A');
    assert.equal(f.get('/w/b.txt')?.content, 'B', 'relative to WORKDIR');
  });

  it('sets owners (--chown by name, group looked up by the user part), drops setuid and keeps hard links, symlinks and empty directories', async () => {
    const f = await buildFiles(
      {
        'suid': { data: 'S', mode: 0o4755 }, 'sgid': { data: 'G', mode: 0o2750 }, 'sgidnox': { data: 'N', mode: 0o2740 }, 'dir/a': 'a', 'dir/hard': { hardlink: 'dir/a' },
        'dir/link': { symlink: 'a' }, 'dir/empty': { dir: true, mode: 0o700 }, 'named': { symlink: 'dir/a' },
        Dockerfile: [
          'FROM busybox', 'COPY suid sgid sgidnox /bits/', 'COPY dir /tree', 'COPY named /followed',
          'COPY --chown=user dir/a /owned/new/parent/a', 'COPY --chown=1234 dir /owned2', 'COPY --chown=user:nogroup suid /o3/', '',
        ].join('\n'),
      },
      'copy:owners',
    );
    assert.equal(f.get('/bits/suid')?.mode, 0o755, 'setuid dropped');
    assert.equal(f.get('/bits/sgid')?.mode, 0o750, 'setgid of a group-executable file dropped');
    assert.equal(f.get('/bits/sgidnox')?.mode, 0o2740, 'setgid kept when the group cannot execute');
    assert.equal(f.get('/bits/suid')?.uid, 0);
    const a = f.get('/tree/a')!;
    const hard = f.get('/tree/hard')!;
    assert.equal(a.ino, hard.ino, 'hard link kept');
    assert.equal(f.get('/tree/link')?.type, 'symlink');
    assert.equal(f.get('/tree/link')?.target, 'a');
    assert.equal(f.get('/tree/empty')?.type, 'dir');
    assert.equal(f.get('/tree/empty')?.mode, 0o700);
    assert.equal(f.get('/followed')?.type, 'file', 'a symlink named as a source is followed');
    assert.equal(f.get('/followed')?.content, 'a');
    assert.deepEqual([f.get('/owned/new/parent/a')?.uid, f.get('/owned/new/parent/a')?.gid], [1000, 1000]);
    assert.deepEqual([f.get('/owned/new')?.uid, f.get('/owned/new/parent')?.uid], [1000, 1000], 'parents it creates for a file are chowned');
    assert.deepEqual([f.get('/owned2')?.uid, f.get('/owned2')?.gid, f.get('/owned2/a')?.gid], [1234, 1234, 1234]);
    assert.deepEqual([f.get('/o3/suid')?.uid, f.get('/o3/suid')?.gid], [1000, 65534]);
  });

  it('copies names with spaces and unicode, --chmod, and heredoc files', async () => {
    const f = await buildFiles(
      {
        'with space/f i le.txt': 'sp', 'ünï/ü.txt': 'u', x: 'x',
        Dockerfile: 'FROM busybox\nCOPY ["with space", "/sp ace/"]\nCOPY ünï /u/\nCOPY --chmod=700 x /chmod\nCOPY <<EOF /inline.txt\nhello $HOME\nEOF\n',
      },
      'copy:names',
    );
    assert.equal(f.get('/sp ace/f i le.txt')?.content, 'sp');
    assert.equal(f.get('/u/ü.txt')?.content, 'u');
    assert.equal(f.get('/chmod')?.mode, 0o700);
    assert.equal(f.get('/inline.txt')?.content, 'hello \n');
  });

  it('leaves out what .dockerignore excludes, keeps exceptions, and hides an excluded Dockerfile', async () => {
    const files = {
      'keep.txt': 'k', 'drop.log': 'd', 'sub/x.log': 'x', 'sub/keep.log': 'kl', 'secret/key': 's',
      '.dockerignore': '*.log\n**/*.log\n!sub/keep.log\nsecret\nDockerfile\n',
      Dockerfile: 'FROM busybox\nCOPY . /ctx\n',
    };
    const f = await buildFiles(files, 'copy:ignore');
    assert.equal(f.get('/ctx/keep.txt')?.content, 'k');
    assert.equal(f.get('/ctx/sub/keep.log')?.content, 'kl');
    assert.ok(!f.has('/ctx/drop.log'));
    assert.ok(!f.has('/ctx/sub/x.log'));
    assert.ok(!f.has('/ctx/secret'));
    assert.ok(!f.has('/ctx/Dockerfile'));
    assert.ok(f.has('/ctx/.dockerignore'));
    // The docker CLI's way (the context sent as a tar) gives the same files.
    const tarBuild = await b.build(ctx(files), ['-t', 'copy:ignore-tar'], { env: { BERTH_BUILD_CONTEXT: 'tar' } });
    assert.equal(tarBuild.code, 0, tarBuild.stderr);
    const f2 = await imageFiles(b.d, 'copy:ignore-tar');
    assert.deepEqual([...f2.keys()].filter((k) => k.startsWith('/ctx')).sort(), [...f.keys()].filter((k) => k.startsWith('/ctx')).sort());
    const r = await b.build(ctx({ ...files, Dockerfile: 'FROM busybox\nCOPY secret/key /\n' }));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /file not found in build context or excluded by \.dockerignore: stat secret\/key: file does not exist/);
  });

  it('follows symlinks that lead out of the context within it, as dockerd (FollowSymlinkInScope)', async () => {
    for (const [i, target] of ['../../etc/passwd', '/etc/passwd'].entries()) {
      const f = await buildFiles({ out: { symlink: target }, 'etc/passwd': 'inside', Dockerfile: 'FROM busybox\nCOPY out /x\n' }, `copy:scoped${i}`);
      assert.equal(f.get('/x')?.content, 'inside', target);
      // The docker CLI's way: the link is in the context tar as it is.
      const r = await b.build(ctx({ out: { symlink: target }, Dockerfile: 'FROM busybox\nCOPY out /x\n' }), [], { env: { BERTH_BUILD_CONTEXT: 'tar' } });
      assert.equal(r.code, 1, target);
      assert.match(r.stderr, /^COPY failed: file not found in build context or excluded by \.dockerignore: stat out: file does not exist/, target);
    }
  });

  it('copies from a stage, a stage index and an image with --from, keeping owners', async () => {
    const f = await buildFiles(
      {
        'src/one': '1',
        Dockerfile: 'FROM busybox AS first\nCOPY --chown=1000:1000 src /src\nFROM scratch\nCOPY --from=first /src/one /by-name\nCOPY --from=0 /src /by-index\nCOPY --from=busybox /etc/passwd /passwd\n',
      },
      'copy:from',
    );
    assert.equal(f.get('/by-name')?.content, '1');
    assert.equal(f.get('/by-name')?.uid, 1000, 'owners kept without --chown');
    assert.equal(f.get('/by-index/one')?.content, '1');
    assert.match(f.get('/passwd')?.content ?? '', /^root:x:0:0/);
    assert.ok(!f.has('/bin'), 'FROM scratch has only what was copied');
  });

  it('extracts local archives with ADD (gzip, bzip2, xz), keeping owners and setuid; fetches URLs with --checksum', async () => {
    const dir = ctx({ 't/in/a': 't1', 't/b': { data: 't2', mode: 0o4755 }, 'notar.tar': 'not a tar' });
    execFileSync('chown', ['1000:1000', join(dir, 't/in/a')]);
    execFileSync('tar', ['-C', join(dir, 't'), '-czf', join(dir, 'a.tgz'), '.']);
    execFileSync('tar', ['-C', join(dir, 't'), '-cjf', join(dir, 'a.tar.bz2'), '.']);
    execFileSync('tar', ['-C', join(dir, 't'), '-cJf', join(dir, 'a.tar.xz'), '.']);
    rmSync(join(dir, 't'), { recursive: true });
    const sum = `sha256:${createHash('sha256').update('served\n').digest('hex')}`;
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM busybox\nADD a.tgz /g\nADD a.tar.bz2 /b/\nADD a.tar.xz /x/\nADD notar.tar /n/\n` +
        `ADD --checksum=${sum} http://127.0.0.1:${port}/files/served.txt /url/\nADD http://127.0.0.1:${port}/files/served.txt /urlfile\n`,
    );
    const r = await b.build(dir, ['-t', 'add:1']);
    assert.equal(r.code, 0, r.stderr);
    const f = await imageFiles(b.d, 'add:1');
    for (const p of ['/g', '/b', '/x']) {
      assert.equal(f.get(`${p}/in/a`)?.content, 't1', p);
      assert.equal(f.get(`${p}/in/a`)?.uid, 1000, p);
      assert.equal(f.get(`${p}/b`)?.mode, 0o4755, p);
    }
    assert.equal(f.get('/n/notar.tar')?.content, 'not a tar');
    assert.equal(f.get('/url/served.txt')?.content, 'served\n');
    assert.equal(f.get('/url/served.txt')?.mode, 0o600);
    assert.equal(f.get('/urlfile')?.content, 'served\n');
    const bad = await b.build(ctx({ Dockerfile: `FROM busybox\nADD --checksum=sha256:${'0'.repeat(64)} http://127.0.0.1:${port}/files/served.txt /u\n` }));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /digest mismatch/);
    const copyUrl = await b.build(ctx({ Dockerfile: `FROM busybox\nCOPY http://127.0.0.1:${port}/files/served.txt /u\n` }));
    assert.equal(copyUrl.code, 1);
    assert.match(copyUrl.stderr, /^COPY failed: source can't be a URL for COPY\n$/);
    // dockerd's GetWithStatusError: the status and the body, Go's dial error, any port.
    const cases: [string, RegExp][] = [
      [`http://127.0.0.1:${port}/nosuch`, new RegExp(`^ADD failed: failed to GET http://127\\.0\\.0\\.1:${port}/nosuch with status 404 Not Found: no such file\\n$`)],
      ['http://127.0.0.1:1/x', /^ADD failed: Get "http:\/\/127\.0\.0\.1:1\/x": dial tcp 127\.0\.0\.1:1: connect: connection refused\n$/],
    ];
    for (const [url, re] of cases) {
      const r = await b.build(ctx({ Dockerfile: `FROM busybox\nADD ${url} /u\n` }));
      assert.equal(r.code, 1, url);
      assert.match(r.stderr, re, url);
    }
    const imp = await b.d.docker(['import', `http://127.0.0.1:${port}/nosuch`]);
    assert.equal(imp.code, 1);
    assert.match(imp.stderr, new RegExp(`^Error response from daemon: failed to GET http://127\\.0\\.0\\.1:${port}/nosuch with status 404 Not Found: no such file\\n$`));
  });

  it('makes an independent layer with --link and a WORKDIR layer only when it creates the directory', async () => {
    const dir = ctx({ a: 'a', Dockerfile: 'FROM busybox\nCOPY --link a /linked/a\nWORKDIR /tmp\nWORKDIR /created\n' });
    const r = await b.build(dir, ['-t', 'link:1']);
    assert.equal(r.code, 0, r.stderr);
    const f = await imageFiles(b.d, 'link:1');
    assert.equal(f.get('/linked/a')?.content, 'a');
    assert.equal(f.get('/created')?.type, 'dir');
    const hist = await b.d.berth(['history', '--format', '{{.CreatedBy}}|{{.Size}}', 'link:1']);
    const rows = hist.stdout.trim().split('\n');
    assert.match(rows[0]!, /WORKDIR \/created\|0B$/);
    assert.match(rows[1]!, /WORKDIR \/tmp\|0B$/);
    const layers = await b.d.berth(['image', 'inspect', '--format', '{{len .RootFS.Layers}}', 'link:1']);
    assert.equal(layers.stdout.trim(), '3', 'busybox + COPY + the WORKDIR that created its directory');
  });
});
