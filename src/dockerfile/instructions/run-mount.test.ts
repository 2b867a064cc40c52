import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvFields, parseMount, ramInBytes } from './run-mount.js';

describe('RUN --mount values (BuildKit defaults and error texts)', () => {
  it('applies the defaults per type', () => {
    assert.deepEqual(parseMount('type=cache,target=/c'), { type: 'cache', target: '/c', readOnly: false, required: false });
    assert.deepEqual(parseMount('target=/b'), { type: 'bind', target: '/b', readOnly: true, required: false });
    assert.deepEqual(parseMount('type=secret,id=tok,env=TOKEN'), { type: 'secret', id: 'tok', env: 'TOKEN', readOnly: true, required: false });
    assert.deepEqual(parseMount('type=ssh,required'), { type: 'ssh', readOnly: true, required: true });
    assert.deepEqual(parseMount('type=tmpfs,dst=/t,size=1g'), { type: 'tmpfs', target: '/t', sizeLimit: 1024 ** 3, readOnly: false, required: false });
    assert.deepEqual(parseMount('type=cache,id=go,target=/go,sharing=locked,uid=1000,gid=1000,mode=0700,from=base,source=/seed').sharing, 'locked');
  });

  it('rejects what BuildKit rejects, in its words', () => {
    const cases: [string, RegExp][] = [
      ['type=nfs,target=/x', /^unsupported mount type "nfs"$/],
      ['type=cache,target=/x,sharing=sometimes', /^unsupported sharing value "sometimes"$/],
      ['type=bind,target=/x,uid=1', /^uid not allowed for "bind" type mounts$/],
      ['type=tmpfs,target=/x,mode=0700', /^mode not allowed for "tmpfs" type mounts$/],
      ['type=bind,target=/x,size=1m', /^unexpected key 'size' for mount type 'bind'$/],
      ['type=cache,target=/x,required', /^unexpected key 'required' for mount type 'cache'$/],
      ['type=secret,from=x,id=a', /^secret mount should not have a from$/],
      ['type=secret,source=a,id=b', /^both source and id can't be set$/],
      ['type=secret', /^invalid secret mount. one of source, target required$/],
      ['type=bind,sharing=locked,target=/x', /^invalid cache sharing set for bind mount$/],
      ['type=cache,target=/x,mode=999', /^invalid value 999 for mode$/],
      ['type=cache,target=/x,ro=maybe', /^invalid value for ro: maybe$/],
      ['type=cache,target=/x,bogus=1', /^unexpected key 'bogus' in 'bogus=1'$/],
      ['type=cache,target', /^invalid field 'target' must be a key=value pair$/],
    ];
    for (const [spec, re] of cases) assert.throws(() => parseMount(spec), (e: Error) => re.test(e.message), spec);
  });

  it('reads CSV fields and sizes as Go does', () => {
    assert.deepEqual(csvFields('a=1,"b=x,y",c'), ['a=1', 'b=x,y', 'c']);
    assert.equal(ramInBytes('64m'), 64 * 1024 * 1024);
    assert.throws(() => ramInBytes('lots'), /invalid size: 'lots'/);
  });
});
