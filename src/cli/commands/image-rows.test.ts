import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryItem, ImageSummary } from '../../api/types/images.js';
import { renderList } from '../format/output.js';
import { ellipsis, historyHeaders, historyRows, imageHeaders, imageRows, truncateId } from './image-rows.js';

// Fixed "now" so relative times are stable: 2026-11-23T02:00:00Z.
const NOW = Date.UTC(2026, 10, 23, 2, 0, 0);
const id = (c: string) => `sha256:${c.repeat(64)}`;
const img = (over: Partial<ImageSummary>): ImageSummary => ({
  Containers: -1, Created: 0, Id: id('a'), Labels: null, ParentId: '', RepoDigests: null, RepoTags: null, SharedSize: -1,
  Size: 0, VirtualSize: 0, ...over,
});

const list: ImageSummary[] = [
  img({ Id: id('3'), Created: NOW / 1000, RepoTags: ['bbref:2'], Size: 1_982_286, VirtualSize: 1_982_286 }),
  img({ Id: id('0'), Created: NOW / 1000 - 16 * 60, RepoTags: ['bbref:1', 'localhost:5000/a/b:c'], RepoDigests: [`localhost:5000/a/b@${id('d')}`], Size: 109_000_000, VirtualSize: 109_000_000 }),
  img({ Id: id('7'), Created: NOW / 1000 - 21 * 86400, RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Size: 1920, VirtualSize: 1920 }),
];
const TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';

describe('image rows (golden: docker CLI 28 output)', () => {
  it('renders `images` as docker does', () => {
    const out = renderList(undefined, imageRows(list, { trunc: true, digests: false, now: NOW }), { defaultTable: TABLE, headers: imageHeaders });
    assert.equal(
      out,
      'REPOSITORY           TAG       IMAGE ID       CREATED                  SIZE\n' +
        'bbref                2         333333333333   Less than a second ago   1.98MB\n' +
        'bbref                1         000000000000   16 minutes ago           109MB\n' +
        'localhost:5000/a/b   c         000000000000   16 minutes ago           109MB\n' +
        '<none>               <none>    777777777777   3 weeks ago              1.92kB\n',
    );
  });

  it('renders --digests, --no-trunc, -q and json as docker does', () => {
    const digestsTable = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
    const rows = imageRows(list.slice(1, 2), { trunc: false, digests: true, now: NOW });
    assert.equal(
      renderList(undefined, rows, { defaultTable: digestsTable, headers: imageHeaders }),
      'REPOSITORY           TAG       DIGEST                                                                    IMAGE ID                                                                  CREATED          SIZE\n' +
        `bbref                1         <none>                                                                    ${id('0')}   16 minutes ago   109MB\n` +
        `localhost:5000/a/b   c         ${id('d')}   ${id('0')}   16 minutes ago   109MB\n`,
    );
    assert.equal(renderList(undefined, imageRows(list, { trunc: true, digests: false, now: NOW }), { defaultTable: TABLE, headers: imageHeaders }, 'ID'),
      '333333333333\n000000000000\n000000000000\n777777777777\n');
    const json = renderList('json', imageRows(list.slice(0, 1), { trunc: true, digests: false, now: NOW }), { defaultTable: TABLE, headers: imageHeaders });
    assert.deepEqual(Object.keys(JSON.parse(json)), ['Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize']);
    assert.equal(JSON.parse(json).VirtualSize, '1.982MB');
    assert.equal(JSON.parse(json).Containers, 'N/A');
  });

  it('renders `history` as docker does, with <missing> rows and cut CREATED BY', () => {
    const items: HistoryItem[] = [
      { Comment: '', Created: NOW / 1000 - 3600 * 50, CreatedBy: '/bin/sh -c #(nop)  CMD ["sh"]', Id: id('e'), Size: 0, Tags: ['busybox:latest'] },
      { Comment: 'imported', Created: NOW / 1000 - 3600 * 50, CreatedBy: '/bin/sh -c #(nop) ADD file:7e9002edaafd4e4579b65c8f0aaabde1aeb7fd3f8d95579f7fd3443cef785fd1 in / ', Id: '<missing>', Size: 4_261_550, Tags: null },
    ];
    assert.equal(
      renderList(undefined, historyRows(items, { trunc: true, human: true, now: NOW }), {
        defaultTable: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}', headers: historyHeaders,
      }),
      'IMAGE          CREATED      CREATED BY                                      SIZE      COMMENT\n' +
        'eeeeeeeeeeee   2 days ago   /bin/sh -c #(nop)  CMD ["sh"]                   0B        \n' +
        '<missing>      2 days ago   /bin/sh -c #(nop) ADD file:7e9002edaafd4e457…   4.26MB    imported\n',
    );
    assert.equal(historyRows(items, { trunc: false, human: false })[1]!.Size, '4261550');
  });

  it('truncates like docker', () => {
    assert.equal(truncateId(id('f')), 'ffffffffffff');
    assert.equal(truncateId('<missing>'), '<missing>');
    assert.equal(ellipsis('abcdef', 4), 'abc…');
    assert.equal(ellipsis('abc', 4), 'abc');
  });
});
