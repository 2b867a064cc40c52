import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainIds } from './chain.js';
import { encodeImageConfig, formatRfc3339Nano, imageIdOf, nowRfc3339Nano, unixSeconds, type ImageConfig } from './config.js';
import { digestOf, shortId } from './digest.js';

// The config dockerd 20.10.24 wrote for `docker import -m "hello msg" -c 'CMD ["sh"]' -c 'ENV A=b'`.
const dockerBytes =
  '{"architecture":"amd64","comment":"hello msg","config":{"Hostname":"","Domainname":"","User":"","AttachStdin":false,' +
  '"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":["A=b"],"Cmd":["sh"],' +
  '"Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null},"container_config":{"Hostname":"",' +
  '"Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,' +
  '"StdinOnce":false,"Env":null,"Cmd":null,"Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,' +
  '"Labels":null},"created":"2026-11-23T01:52:13.538675156Z","docker_version":"20.10.24+dfsg1","history":[{"created":' +
  '"2026-11-23T01:52:13.538675156Z","comment":"hello msg"}],"os":"linux","rootfs":{"type":"layers","diff_ids":' +
  '["sha256:4742e77444d8a9393f5fc0b2b5547d5f2c7a73182b1f407d6696ab368406fa42"]}}';

describe('image config', () => {
  it('serializes exactly as Docker does, so the image ID matches', () => {
    const cfg: ImageConfig = {
      rootfs: { type: 'layers', diff_ids: ['sha256:4742e77444d8a9393f5fc0b2b5547d5f2c7a73182b1f407d6696ab368406fa42'] },
      history: [{ created: '2026-11-23T01:52:13.538675156Z', comment: 'hello msg' }],
      os: 'linux',
      architecture: 'amd64',
      docker_version: '20.10.24+dfsg1',
      created: '2026-11-23T01:52:13.538675156Z',
      container_config: {} as never,
      config: { Env: ['A=b'], Cmd: ['sh'] } as never,
      comment: 'hello msg',
    };
    const bytes = encodeImageConfig(cfg);
    assert.equal(bytes.toString(), dockerBytes);
    assert.equal(imageIdOf(bytes), 'sha256:37e5f223f529d0a57ef13c09c1a48686b5539cb070d25c1aff6977190bfbbf59');
    assert.equal(shortId(imageIdOf(bytes)), '37e5f223f529');
  });

  it('escapes like Go and keeps optional fields out when empty', () => {
    const bytes = encodeImageConfig({
      architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] },
      config: { Cmd: ['/bin/sh', '-c', 'a && b > c'], ExposedPorts: {}, StopSignal: '' } as never,
    });
    assert.match(bytes.toString(), /"a \\u0026\\u0026 b \\u003e c"/);
    assert.doesNotMatch(bytes.toString(), /ExposedPorts|StopSignal/);
  });

  it('computes chain IDs as the OCI spec does', () => {
    const a = digestOf('a');
    const b = digestOf('b');
    const c = digestOf('c');
    const ids = chainIds([a, b, c]);
    assert.equal(ids[0], a);
    assert.equal(ids[1], digestOf(`${a} ${b}`));
    assert.equal(ids[2], digestOf(`${ids[1]} ${c}`));
  });

  it('formats and parses RFC 3339 times with nanoseconds', () => {
    assert.equal(formatRfc3339Nano(1_700_000_000_123_456_789n), '2023-11-14T22:13:20.123456789Z');
    assert.equal(formatRfc3339Nano(1_700_000_000_000_000_000n), '2023-11-14T22:13:20Z');
    assert.equal(formatRfc3339Nano(1_700_000_000_120_000_000n), '2023-11-14T22:13:20.12Z');
    assert.equal(unixSeconds('2026-11-23T01:52:13.538675156Z'), 1795398733);
    const a = nowRfc3339Nano();
    const b = nowRfc3339Nano();
    assert.ok(a < b || a.length !== b.length);
  });
});
