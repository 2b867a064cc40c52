import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgument, SystemError } from '../../errdefs/index.js';
import { endpointLinkHosts, linkSettings, parseLink, recordLinks, renameInLinks, userNetworkMode } from './links.js';
import type { ContainerRecord } from './record.js';

const rec = (name: string, over: { running?: boolean; env?: string[]; ports?: string[]; links?: string[] } = {}) =>
  ({
    ID: `${name.padEnd(12, '0')}ffff`, Name: `/${name}`,
    Config: { Hostname: '', Env: over.env ?? [], ExposedPorts: Object.fromEntries((over.ports ?? []).map((p) => [p, {}])) },
    HostConfig: { Links: over.links ?? null },
    State: { Running: over.running ?? true },
  }) as unknown as ContainerRecord;

test('links parse as given and as recorded', () => {
  assert.deepEqual(parseLink('db'), { name: 'db', alias: 'db' });
  assert.deepEqual(parseLink('db:database'), { name: 'db', alias: 'database' });
  assert.deepEqual(parseLink('/db:/web/database'), { name: 'db', alias: 'database' });
  assert.throws(() => parseLink(':x'), InvalidArgument);
});

test('create records links by the target\'s name, refuses missing targets and the host network', () => {
  const find = (r: string) => (r === 'db' ? rec('db') : undefined);
  assert.deepEqual(recordLinks(['db:database', 'db'], 'default', 'web', find), ['/db:/web/database', '/db:/web/db']);
  assert.throws(() => recordLinks(['nosuch:x'], 'default', 'web', find), /could not get container for nosuch: No such container: nosuch/);
  assert.throws(() => recordLinks(['db'], 'host', 'web', find), /host type networking can't be used with links/);
  assert.equal(recordLinks(null, 'host', 'web', find), null);
  assert.equal(recordLinks([], 'default', 'web', find), null, 'dockerd shows null for an empty list');
  assert.deepEqual(recordLinks(['db'], 'none', 'web', find), ['/db:/web/db']);
});

test('on a user network links are no legacy links: not checked, not recorded', () => {
  assert.equal(recordLinks(['nosuch:x'], 'net1', 'web', () => undefined), null);
  for (const m of ['', 'default', 'bridge', 'host', 'none', 'container:abc']) assert.equal(userNetworkMode(m), false, m);
  assert.equal(userNetworkMode('net1'), true);
});

test("start on a user network: the endpoints' links to running targets on that network become hosts entries; others fail nothing", () => {
  const db = rec('db');
  const stopped = rec('old', { running: false });
  const find = (r: string) => ({ db, old: stopped })[r];
  const eps = { net1: { Links: ['db:data', 'old:o', 'gone:g', ':bad'] }, bridge: { Links: ['db:legacy'] }, net2: { Links: ['db'] }, net3: {} };
  const addressOn = (_t: ContainerRecord, network: string) => ({ net1: '10.1.0.2' })[network];
  assert.deepEqual(endpointLinkHosts(eps, find, addressOn), ['data:10.1.0.2']);
});

test('start: hosts entries and variables on the default bridge, the alias alone elsewhere; a stopped target fails', () => {
  const db = rec('db', { env: ['PW=x', 'HOME=/root', 'PATH=/bin'], ports: ['5432/tcp'] });
  const web = rec('web', { links: ['/db:/web/data-base', '/gone:/web/g'] });
  const find = (r: string) => (r === 'db' ? db : undefined);
  const onBridge = linkSettings(web, find, () => ({ ip: '172.17.0.2', defaultBridge: true }));
  assert.deepEqual(onBridge.hosts, ['data-base db0000000000 db:172.17.0.2']);
  assert.deepEqual(onBridge.env, [
    'DATA_BASE_PORT=tcp://172.17.0.2:5432', 'DATA_BASE_PORT_5432_TCP=tcp://172.17.0.2:5432', 'DATA_BASE_PORT_5432_TCP_ADDR=172.17.0.2',
    'DATA_BASE_PORT_5432_TCP_PORT=5432', 'DATA_BASE_PORT_5432_TCP_PROTO=tcp', 'DATA_BASE_NAME=/web/data-base', 'DATA_BASE_ENV_PW=x',
  ]);
  assert.deepEqual(linkSettings(web, find, () => ({ ip: '10.0.0.2', defaultBridge: false })), { hosts: ['data-base:10.0.0.2'], env: [] });
  const stopped = rec('db', { running: false });
  assert.throws(() => linkSettings(web, (r) => (r === 'db' ? stopped : undefined), () => undefined), (e: unknown) => e instanceof SystemError && /Cannot link to a non running container: \/db AS \/web\/data-base/.test((e as Error).message));
});

test('a rename: links name the container by its new name, as target or as the linking one', () => {
  const links = ['/db:/web/data', '/cache:/web/cache', '/db:/web/db'];
  assert.deepEqual(renameInLinks(links, 'db', 'db2'), ['/db2:/web/data', '/cache:/web/cache', '/db2:/web/db']);
  assert.deepEqual(renameInLinks(links, '/web', '/web2'), ['/db:/web2/data', '/cache:/web2/cache', '/db:/web2/db']);
  assert.equal(renameInLinks(links, 'other', 'x'), undefined);
  assert.equal(renameInLinks(null, 'db', 'x'), undefined);
  assert.equal(renameInLinks(['/dbx:/web/d'], 'db', 'x'), undefined, 'names match whole');
});
