import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostPort, parsePortProto, parsePublish, PortSpecError } from './port-spec.js';

const m = (containerPort: number, hostPort: string, hostIp = '', protocol = 'tcp') => ({ containerPort, protocol, hostIp, hostPort });

test('parsePublish: container port only, host port, ip, protocol', () => {
  assert.deepEqual(parsePublish('80'), [m(80, '')]);
  assert.deepEqual(parsePublish('8080:80'), [m(80, '8080')]);
  assert.deepEqual(parsePublish('0:80'), [m(80, '0')]);
  assert.deepEqual(parsePublish('127.0.0.1:8080:80/udp'), [m(80, '8080', '127.0.0.1', 'udp')]);
  assert.deepEqual(parsePublish('127.0.0.1::80'), [m(80, '', '127.0.0.1')]);
  assert.deepEqual(parsePublish('[::1]:8080:80'), [m(80, '8080', '::1')]);
  assert.deepEqual(parsePublish('53/UDP'), [m(53, '', '', 'udp')]);
});

test('parsePublish: ranges map one to one, or a host range for one port', () => {
  assert.deepEqual(parsePublish('8000-8002:80-82'), [m(80, '8000'), m(81, '8001'), m(82, '8002')]);
  assert.deepEqual(parsePublish('8000-8010:80'), [m(80, '8000-8010')]);
  assert.deepEqual(parsePublish('80-81'), [m(80, ''), m(81, '')]);
  assert.throws(() => parsePublish('8000-8001:80-82'), /Invalid ranges specified for container and host Ports: 80-82 and 8000-8001/);
});

test('parsePublish: errors as Docker words them', () => {
  assert.throws(() => parsePublish('8080:http'), /Invalid containerPort: http/);
  assert.throws(() => parsePublish('8080:80/icmp'), /Invalid proto: icmp/);
  assert.throws(() => parsePublish('99999:80'), /Invalid hostPort: 99999/);
  assert.throws(() => parsePublish('1.2.3.400:80:80'), /Invalid ip address: 1\.2\.3\.400/);
  assert.throws(() => parsePublish('8080:0'), PortSpecError);
});

test('parsePortProto and parseHostPort', () => {
  assert.deepEqual(parsePortProto('80'), { start: 80, end: 80, protocol: 'tcp' });
  assert.deepEqual(parsePortProto('7000-7002/udp'), { start: 7000, end: 7002, protocol: 'udp' });
  assert.equal(parseHostPort(''), undefined);
  assert.equal(parseHostPort('0'), undefined);
  assert.deepEqual(parseHostPort('8080'), { start: 8080, end: 8080 });
  assert.deepEqual(parseHostPort('8000-8010'), { start: 8000, end: 8010 });
  assert.throws(() => parseHostPort('x'), /invalid port specification: "x"/);
});
