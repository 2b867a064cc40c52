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

  it('uses the shell form when the argument is not a JSON array; ENTRYPOINT resets CMD', () => {
    const c = applyChanges(emptyContainerConfig(), ['CMD echo $HOME', 'ENTRYPOINT ["/init"]']);
    assert.equal(c.Cmd, null);
    assert.deepEqual(c.Entrypoint, ['/init']);
    assert.deepEqual(applyChanges(emptyContainerConfig(), ['cmd [not json']).Cmd, ['/bin/sh', '-c', '[not json']);
  });

  it('rejects instructions import cannot apply, as dockerd does', () => {
    assert.throws(() => applyChanges(emptyContainerConfig(), ['RUN rm -rf /']), /run is not a valid change command/);
    assert.throws(() => applyChanges(emptyContainerConfig(), ['STOPSIGNAL SIGINT']), /stopsignal is not a valid change command/);
    assert.throws(() => applyChanges(emptyContainerConfig(), ['EXPOSE nope']), /invalid containerPort: nope/);
    assert.throws(() => splitWords('a "b'), /unterminated quote/);
  });
});
