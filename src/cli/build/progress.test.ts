import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BuildProgressEvent } from '../../api/types/build.js';
import { PlainProgress } from './progress-plain.js';
import { TtyProgress } from './progress-tty.js';

const events: [number, BuildProgressEvent][] = [
  [0, { kind: 'step', step: 1, total: 3, stage: 0, text: 'FROM busybox' }],
  [10, { kind: 'image', step: 1, id: 'sha256:aaa' }],
  [10, { kind: 'step', step: 2, total: 3, stage: 0, text: 'ENV A=1' }],
  [12, { kind: 'cached', step: 2 }],
  [12, { kind: 'image', step: 2, id: 'sha256:bbb' }],
  [20, { kind: 'step', step: 3, total: 3, stage: 0, text: 'RUN make' }],
  [30, { kind: 'container', step: 3, id: 'c'.repeat(64) }],
  [1300, { kind: 'output', step: 3, stream: 'stdout', data: 'line 1\nline 2\npart' }],
  [1500, { kind: 'output', step: 3, stream: 'stderr', data: 'ial\n' }],
];

describe('build progress views', () => {
  it('plain: one block per step with timed output lines', () => {
    let out = '';
    const p = new PlainProgress((s) => (out += s), 0);
    for (const [t, e] of events) p.event(e, t);
    p.event({ kind: 'image', step: 3, id: 'sha256:ccc' }, 2000);
    p.event({ kind: 'built', id: 'sha256:ccc' }, 2000);
    p.event({ kind: 'tagged', name: 'app:latest' }, 2000);
    assert.equal(
      out,
      '#1 [1/3] FROM busybox\n#1 DONE 0.0s\n\n' +
        '#2 [2/3] ENV A=1\n#2 CACHED\n\n' +
        '#3 [3/3] RUN make\n#3 1.3 line 1\n#3 1.3 line 2\n#3 1.5 partial\n#3 DONE 2.0s\n\n' +
        '#4 writing image sha256:ccc done\n#4 naming to app:latest done\n',
    );
  });

  it('plain: the failing step gets an ERROR line', () => {
    let out = '';
    const p = new PlainProgress((s) => (out += s), 0);
    p.event({ kind: 'step', step: 1, total: 1, stage: 0, text: 'RUN exit 3' }, 0);
    p.event({ kind: 'output', step: 1, stream: 'stdout', data: 'no newline' }, 100);
    p.fail("The command '/bin/sh -c exit 3' returned a non-zero code: 3", 200);
    assert.equal(out, "#1 [1/1] RUN exit 3\n#1 no newline\n#1 ERROR: The command '/bin/sh -c exit 3' returned a non-zero code: 3\n");
  });

  it('tty: a line per step with durations, CACHED marks and the running step\'s last lines', () => {
    const v = new TtyProgress(0, false);
    for (const [t, e] of events) v.event(e, t);
    const frame = v.frame(2500, 60);
    assert.deepEqual(frame, [
      '[+] Building 2.5s (2/3)',
      ' => [1/3] FROM busybox                                  0.0s',
      ' => CACHED [2/3] ENV A=1                                0.0s',
      ' => [3/3] RUN make                                      2.5s',
      ' => => # line 1',
      ' => => # line 2',
      ' => => # partial',
    ]);
    v.event({ kind: 'image', step: 3, id: 'sha256:ccc' }, 3000);
    v.event({ kind: 'built', id: 'sha256:ccc' }, 3000);
    v.model.finish(3000, false);
    const done = v.frame(9999, 60);
    assert.equal(done[0], '[+] Building 3.0s (3/3) FINISHED');
    assert.equal(done[3], ' => [3/3] RUN make                                      3.0s');
    assert.equal(done.at(-1), ' => writing image sha256:ccc');
  });
});
