/**
 * `berth build --output` (local directory, tar file, tar on stdout), `--iidfile` and
 * `--metadata-file`, against a test berthd.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDaemon, imageId, type BuildDaemon } from './build-fixture.js';
import { berthBin, run } from './helpers/daemon.js';

const files = {
  'hello.txt': 'hello world!\n',
  Dockerfile: 'FROM busybox:latest\nCOPY hello.txt /app/\nRUN echo built > /app/made && rm /bin/vi\n',
};

describe('berth build: --output, --iidfile, --metadata-file', () => {
  let b: BuildDaemon;
  let out: string;
  before(async () => {
    b = await buildDaemon();
    out = mkdtempSync(join(tmpdir(), 'berth-out-'));
  });
  after(async () => {
    await b.cleanup();
    rmSync(out, { recursive: true, force: true });
  });

  it('type=local writes the final file system and tags nothing', async () => {
    const dir = b.context(files);
    const dest = join(out, 'local');
    const r = await b.build(dir, ['-t', 'notag:1', '--output', `type=local,dest=${dest}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dest, 'app/hello.txt'), 'utf8'), 'hello world!\n');
    assert.equal(readFileSync(join(dest, 'app/made'), 'utf8'), 'built\n');
    assert.ok(existsSync(join(dest, 'bin/busybox')));
    assert.ok(!existsSync(join(dest, 'bin/vi')), 'a file the build deleted is not exported');
    assert.ok(!existsSync(join(dest, '.wh.vi')) && !existsSync(join(dest, 'bin/.wh.vi')));
    const tagged = await b.d.berth(['image', 'inspect', 'notag:1']);
    assert.notEqual(tagged.code, 0, 'no image is tagged with --output');
    // The short form, to a new directory.
    const dest2 = join(out, 'short');
    const r2 = await b.build(dir, ['-o', dest2]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(readFileSync(join(dest2, 'app/made'), 'utf8'), 'built\n');
  });

  it('type=tar writes one tar; -o - writes it to stdout with the progress on stderr', async () => {
    const dir = b.context(files);
    const file = join(out, 'fs.tar');
    const r = await b.build(dir, ['--output', `type=tar,dest=${file}`]);
    assert.equal(r.code, 0, r.stderr);
    const list = await run('tar', ['-tf', file]);
    assert.equal(list.code, 0, list.stderr);
    const names = list.stdout.split('\n');
    assert.ok(names.includes('app/hello.txt') && names.includes('app/made') && names.includes('bin/busybox'), list.stdout);
    assert.ok(!names.includes('bin/vi'));
    const piped = await run('sh', ['-c', `"${berthBin}" -H ${b.d.host} build --progress=classic -o - . > ${join(out, 'stdout.tar')}`], { cwd: dir });
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stderr, /Successfully built [0-9a-f]{12}/);
    assert.deepEqual(readFileSync(join(out, 'stdout.tar')), readFileSync(file), 'the same tar on stdout as in the file');
  });

  it('--iidfile and --metadata-file hold the image ID and the names, as buildx writes them', async () => {
    const dir = b.context(files);
    const iid = join(out, 'iid');
    const meta = join(out, 'meta.json');
    const r = await b.build(dir, ['-t', 'meta:1', '-t', 'meta', '--iidfile', iid, '--metadata-file', meta]);
    assert.equal(r.code, 0, r.stderr);
    const id = await imageId(b.d, 'meta:1');
    assert.equal(readFileSync(iid, 'utf8'), id);
    assert.deepEqual(JSON.parse(readFileSync(meta, 'utf8')), {
      'containerimage.config.digest': id,
      'containerimage.digest': id,
      'image.name': 'docker.io/library/meta:1,docker.io/library/meta:latest',
    });
    assert.ok(statSync(meta).size > 0);
  });
});
