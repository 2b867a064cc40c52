import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyContainerConfig } from '../../image/config.js';
import { applyChanges, splitWords } from './changes.js';

describe('import -c changes', () => {
  it('applies Dockerfile instructions to a config', () => {
    const c = applyChanges(emptyContainerConfig(), [
      'CMD ["sh", "-c", "echo hi"]',
      'ENV A=1 B="two words"',
      'ENV LEGACY value with spaces',
      'ENV A=3',
      'LABEL org.x=y "quoted key"=v',
      'EXPOSE 80 53/udp',
      'VOLUME ["/data", "/logs"]',
      'WORKDIR /app',
      'WORKDIR sub',
      'USER 1000:1000',
      'ONBUILD RUN echo later',
    ]);
    assert.deepEqual(c.Cmd, ['sh', '-c', 'echo hi']);
    assert.deepEqual(c.Env, ['A=3', 'B=two words', 'LEGACY=value with spaces']);
    assert.deepEqual(c.Labels, { 'org.x': 'y', 'quoted key': 'v' });
    assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
    assert.deepEqual(c.Volumes, { '/data': {}, '/logs': {} });
    assert.equal(c.WorkingDir, '/app/sub');
    assert.equal(c.User, '1000:1000');
    assert.deepEqual(c.OnBuild, ['RUN echo later']);
    assert.deepEqual(Object.keys(c).slice(0, 3), ['Hostname', 'Domainname', 'User']);
  });

  it('uses the shell form when the argument is not a JSON array; ENTRYPOINT resets a CMD not set by the changes', () => {
    // dockerd 20.10: a CMD among the same changes stays.
    const c = applyChanges(emptyContainerConfig(), ['CMD echo $HOME', 'ENTRYPOINT ["/init"]']);
    assert.deepEqual(c.Cmd, ['/bin/sh', '-c', 'echo $HOME']);
    assert.deepEqual(c.Entrypoint, ['/init']);
    const inherited = applyChanges({ ...emptyContainerConfig(), Cmd: ['sleep', '1'] }, ['ENTRYPOINT /bin/sh']);
    assert.equal(inherited.Cmd, null);
    assert.deepEqual(inherited.Entrypoint, ['/bin/sh', '-c', '/bin/sh']);
    assert.deepEqual(applyChanges(emptyContainerConfig(), ['cmd [not json']).Cmd, ['/bin/sh', '-c', '[not json']);
  });

  it('HEALTHCHECK as the Dockerfile parser reads it (durations in ns, zero fields left out)', () => {
    assert.deepEqual(applyChanges(emptyContainerConfig(), ['HEALTHCHECK --retries=2 CMD ["true"]']).Healthcheck, { Test: ['CMD', 'true'], Retries: 2 });
    assert.deepEqual(applyChanges(emptyContainerConfig(), ['HEALTHCHECK --interval=5s CMD true']).Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 5e9 });
    assert.deepEqual(applyChanges(emptyContainerConfig(), ['HEALTHCHECK NONE']).Healthcheck, { Test: ['NONE'] });
  });

  it('rejects instructions import cannot apply, as dockerd does', () => {
    assert.throws(() => applyChanges(emptyContainerConfig(), ['RUN rm -rf /']), /run is not a valid change command/);
    assert.throws(() => applyChanges(emptyContainerConfig(), ['STOPSIGNAL SIGINT']), /stopsignal is not a valid change command/);
    assert.throws(() => applyChanges(emptyContainerConfig(), ['EXPOSE nope']), /invalid containerPort: nope/);
    assert.throws(() => splitWords('a "b'), /unterminated quote/);
  });
});
