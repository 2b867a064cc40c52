/**
 * Golden tests: the classic renderer against streams captured from dockerd 20.10.24
 * (`DOCKER_BUILDKIT=0`, API 1.41) on this machine, message for message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goJson } from '../../util/go-json.js';
import type { BuildEvent } from '../events.js';
import { classicMessages, classicText, truncateId, unusedArgsWarning } from './classic.js';

const wire = (events: BuildEvent[]) => events.flatMap(classicMessages).map((m) => goJson(m)).join('\n');

// Captured: Dockerfile with FROM busybox, ENV, COPY, WORKDIR, RUN (stdout + stderr), RUN true, ENTRYPOINT.
const dockerStream = `{"stream":"Step 1/7 : FROM busybox:latest"}
{"stream":"\\n"}
{"stream":" ---\\u003e bb98b2cbcbc8\\n"}
{"stream":"Step 2/7 : ENV A=1"}
{"stream":"\\n"}
{"stream":" ---\\u003e Running in 58fea3584f45\\n"}
{"stream":"Removing intermediate container 58fea3584f45\\n"}
{"stream":" ---\\u003e ce605034a476\\n"}
{"stream":"Step 3/7 : COPY hello.txt /app/"}
{"stream":"\\n"}
{"stream":" ---\\u003e 0b9032fc4eba\\n"}
{"stream":"Step 4/7 : WORKDIR /app"}
{"stream":"\\n"}
{"stream":" ---\\u003e Running in 8a514f928a55\\n"}
{"stream":"Removing intermediate container 8a514f928a55\\n"}
{"stream":" ---\\u003e 95caf0ed7762\\n"}
{"stream":"Step 5/7 : RUN echo out; echo err \\u003e\\u00262"}
{"stream":"\\n"}
{"stream":" ---\\u003e Running in a6dda5705bf5\\n"}
{"stream":"out\\n"}
{"stream":"\\u001b[91merr\\n\\u001b[0m"}
{"stream":"Removing intermediate container a6dda5705bf5\\n"}
{"stream":" ---\\u003e 3d57ed588b1d\\n"}
{"stream":"Step 6/7 : RUN true"}
{"stream":"\\n"}
{"stream":" ---\\u003e Running in 7c81342d0fa2\\n"}
{"stream":"Removing intermediate container 7c81342d0fa2\\n"}
{"stream":" ---\\u003e f070add0e722\\n"}
{"stream":"Step 7/7 : ENTRYPOINT [\\"cat\\", \\"/app/hello.txt\\"]"}
{"stream":"\\n"}
{"stream":" ---\\u003e Running in 92263f909110\\n"}
{"stream":"Removing intermediate container 92263f909110\\n"}
{"stream":" ---\\u003e 701ce1fece52\\n"}
{"aux":{"ID":"sha256:701ce1fece52c5dc9b94ea03e1e650dc6770e516c27517a79af33b328e61c740"}}
{"stream":"Successfully built 701ce1fece52\\n"}
{"stream":"Successfully tagged demo2:latest\\n"}`;

const C = (n: string) => n.padEnd(64, '0');

describe('classic renderer', () => {
  it('reproduces a 7-step legacy build stream message for message', () => {
    const events: BuildEvent[] = [
      { kind: 'step', step: 1, total: 7, stage: 0, text: 'FROM busybox:latest' },
      { kind: 'image', step: 1, id: 'sha256:bb98b2cbcbc8d92fa0e978d164e32aee6cc32609ae53a35155324a74dc74e0ab' },
      { kind: 'step', step: 2, total: 7, stage: 0, text: 'ENV A=1' },
      { kind: 'container', step: 2, id: C('58fea3584f45') },
      { kind: 'removed', step: 2, id: C('58fea3584f45') },
      { kind: 'image', step: 2, id: `sha256:${C('ce605034a476')}` },
      { kind: 'step', step: 3, total: 7, stage: 0, text: 'COPY hello.txt /app/' },
      { kind: 'image', step: 3, id: `sha256:${C('0b9032fc4eba')}` },
      { kind: 'step', step: 4, total: 7, stage: 0, text: 'WORKDIR /app' },
      { kind: 'container', step: 4, id: C('8a514f928a55') },
      { kind: 'removed', step: 4, id: C('8a514f928a55') },
      { kind: 'image', step: 4, id: `sha256:${C('95caf0ed7762')}` },
      { kind: 'step', step: 5, total: 7, stage: 0, text: 'RUN echo out; echo err >&2' },
      { kind: 'container', step: 5, id: C('a6dda5705bf5') },
      { kind: 'output', step: 5, stream: 'stdout', data: 'out\n' },
      { kind: 'output', step: 5, stream: 'stderr', data: 'err\n' },
      { kind: 'removed', step: 5, id: C('a6dda5705bf5') },
      { kind: 'image', step: 5, id: `sha256:${C('3d57ed588b1d')}` },
      { kind: 'step', step: 6, total: 7, stage: 0, text: 'RUN true' },
      { kind: 'container', step: 6, id: C('7c81342d0fa2') },
      { kind: 'removed', step: 6, id: C('7c81342d0fa2') },
      { kind: 'image', step: 6, id: `sha256:${C('f070add0e722')}` },
      { kind: 'step', step: 7, total: 7, stage: 0, text: 'ENTRYPOINT ["cat", "/app/hello.txt"]' },
      { kind: 'container', step: 7, id: C('92263f909110') },
      { kind: 'removed', step: 7, id: C('92263f909110') },
      { kind: 'image', step: 7, id: `sha256:${C('701ce1fece52')}` },
      { kind: 'stage', stage: 0, id: 'sha256:701ce1fece52c5dc9b94ea03e1e650dc6770e516c27517a79af33b328e61c740' },
      { kind: 'built', id: 'sha256:701ce1fece52c5dc9b94ea03e1e650dc6770e516c27517a79af33b328e61c740' },
      { kind: 'tagged', name: 'demo2:latest' },
    ];
    assert.equal(wire(events), dockerStream);
  });

  it('prints ONBUILD triggers, cache hits and the unused-args warning as Docker does', () => {
    const events: BuildEvent[] = [
      { kind: 'step', step: 1, total: 2, stage: 0, text: 'FROM onbp' },
      { kind: 'triggers', step: 1, count: 2 },
      { kind: 'container', step: 1, id: C('f792a83296da') },
      { kind: 'removed', step: 1, id: C('f792a83296da') },
      { kind: 'cached', step: 1 },
      { kind: 'image', step: 1, id: `sha256:${C('dbe37003c350')}` },
      { kind: 'warning', text: unusedArgsWarning(['Z', 'Y'])! },
    ];
    assert.equal(
      wire(events),
      [
        '{"stream":"Step 1/2 : FROM onbp"}', '{"stream":"\\n"}', '{"stream":"# Executing 2 build trigger"}', '{"stream":"s"}',
        '{"stream":"\\n"}', '{"stream":" ---\\u003e Running in f792a83296da\\n"}',
        '{"stream":"Removing intermediate container f792a83296da\\n"}', '{"stream":" ---\\u003e Using cache\\n"}',
        '{"stream":" ---\\u003e dbe37003c350\\n"}', '{"stream":"[Warning] One or more build-args [Y Z] were not consumed\\n"}',
      ].join('\n'),
    );
    assert.equal(classicText([{ kind: 'triggers', step: 1, count: 1 }]), '# Executing 1 build trigger\n');
    assert.equal(unusedArgsWarning([]), undefined);
  });

  it('prints an empty ID for FROM scratch and no aux for it', () => {
    assert.equal(classicText([{ kind: 'image', step: 1, id: '' }]), ' ---> \n');
    assert.deepEqual(classicMessages({ kind: 'stage', stage: 0, id: '' }), []);
    assert.equal(truncateId('sha256:0123456789abcdef'), '0123456789ab');
  });
});
