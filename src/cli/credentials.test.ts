import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { eraseCredentials, getCredentials, INDEX_SERVER, registryAuthHeader, registryOf, serverKey, storeCredentials } from './credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-creds-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('registry hosts and credential keys', () => {
  assert.equal(registryOf('busybox'), 'docker.io');
  assert.equal(registryOf('user/app'), 'docker.io');
  assert.equal(registryOf('localhost:5000/x'), 'localhost:5000');
  assert.equal(registryOf('registry.example.com/a/b'), 'registry.example.com');
  assert.equal(serverKey(undefined), INDEX_SERVER);
  assert.equal(serverKey('docker.io'), INDEX_SERVER);
  assert.equal(serverKey('https://127.0.0.1:5000/v2/'), '127.0.0.1:5000');
});

test('config.json auths as docker writes them', async () => {
  const env = { DOCKER_CONFIG: join(dir, 'plain') };
  await storeCredentials(env, { username: 'u', password: 'p:w', serveraddress: '127.0.0.1:5000' });
  const text = readFileSync(join(dir, 'plain', 'config.json'), 'utf8');
  assert.equal(text, '{\n\t"auths": {\n\t\t"127.0.0.1:5000": {\n\t\t\t"auth": "dTpwOnc="\n\t\t}\n\t}\n}');
  assert.deepEqual(await getCredentials(env, '127.0.0.1:5000'), { username: 'u', password: 'p:w', serveraddress: '127.0.0.1:5000' });
  const header = await registryAuthHeader(env, '127.0.0.1:5000/app');
  assert.deepEqual(JSON.parse(Buffer.from(header, 'base64').toString()), { username: 'u', password: 'p:w', serveraddress: '127.0.0.1:5000' });
  assert.equal(Buffer.from(await registryAuthHeader(env, 'busybox'), 'base64').toString(), '{}');
  assert.equal(await eraseCredentials(env, '127.0.0.1:5000'), true);
  assert.equal(await eraseCredentials(env, '127.0.0.1:5000'), false);
  assert.equal(await getCredentials(env, '127.0.0.1:5000'), undefined);
});

test('credential helpers: credsStore and credHelpers', async () => {
  const bin = join(dir, 'bin');
  const store = join(dir, 'helper-store.json');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(bin);
  // A tiny docker-credential-* helper keeping secrets in a JSON file.
  writeFileSync(
    join(bin, 'docker-credential-berthtest'),
    `#!/usr/bin/env node\nconst fs=require('fs');const f=${JSON.stringify(store)};let db={};try{db=JSON.parse(fs.readFileSync(f,'utf8'))}catch{}\n` +
      `let input='';process.stdin.on('data',d=>input+=d).on('end',()=>{const a=process.argv[2];\n` +
      `if(a==='store'){const c=JSON.parse(input);db[c.ServerURL]=c;fs.writeFileSync(f,JSON.stringify(db));}\n` +
      `else if(a==='get'){const c=db[input.trim()];if(!c){process.stdout.write('credentials not found in native keychain');process.exit(1)}process.stdout.write(JSON.stringify(c));}\n` +
      `else if(a==='erase'){delete db[input.trim()];fs.writeFileSync(f,JSON.stringify(db));}});\n`,
  );
  chmodSync(join(bin, 'docker-credential-berthtest'), 0o755);
  const cfgDir = join(dir, 'helper');
  mkdirSync(cfgDir);
  writeFileSync(join(cfgDir, 'config.json'), JSON.stringify({ credsStore: 'berthtest', currentContext: 'default' }));
  const env = { DOCKER_CONFIG: cfgDir, PATH: `${bin}:${process.env.PATH}` };
  const where = await storeCredentials(env, { username: 'h', password: 'secret', serveraddress: 'reg.example:5000' });
  assert.equal(where.helper, 'berthtest');
  const cfg = JSON.parse(readFileSync(join(cfgDir, 'config.json'), 'utf8'));
  assert.deepEqual(cfg, { credsStore: 'berthtest', currentContext: 'default', auths: { 'reg.example:5000': {} } });
  assert.deepEqual(JSON.parse(readFileSync(store, 'utf8'))['reg.example:5000'], { ServerURL: 'reg.example:5000', Username: 'h', Secret: 'secret' });
  assert.deepEqual(await getCredentials(env, 'reg.example:5000'), { username: 'h', password: 'secret', serveraddress: 'reg.example:5000' });
  assert.equal(await getCredentials(env, 'other:1'), undefined);
  assert.equal(await eraseCredentials(env, 'reg.example:5000'), true);
  assert.equal(await getCredentials(env, 'reg.example:5000'), undefined);
});
