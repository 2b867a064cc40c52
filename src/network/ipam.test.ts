import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocate, claim, formatCidr, IpamError, macFor, overlaps, parseAddressPool, parseCidr, pickSubnet, routesFromProc } from './ipam.js';

test('parseCidr rejects host bits unless loose, and bad input', () => {
  assert.equal(formatCidr(parseCidr('10.1.2.0/24')), '10.1.2.0/24');
  assert.throws(() => parseCidr('10.1.2.3/24'), /should be 10\.1\.2\.0\/24/);
  assert.equal(formatCidr(parseCidr('10.1.2.3/24', true)), '10.1.2.0/24');
  assert.throws(() => parseCidr('10.1.2.0/33'), IpamError);
  assert.throws(() => parseCidr('300.1.2.0/24'), IpamError);
});

test('overlaps compares at the shorter prefix', () => {
  assert.ok(overlaps(parseCidr('172.17.0.0/16'), parseCidr('172.17.5.0/24')));
  assert.ok(!overlaps(parseCidr('172.17.0.0/16'), parseCidr('172.18.0.0/16')));
  assert.ok(overlaps(parseCidr('0.0.0.0/0', true), parseCidr('10.0.0.0/8')));
});

test('pickSubnet cuts subnets of the given size from the daemon\'s pools, in order', () => {
  const pools = [parseAddressPool('base=10.99.0.0/23,size=24'), parseAddressPool(' base=10.98.0.0/16 , size=28 ')];
  assert.equal(formatCidr(pickSubnet([], pools)), '10.99.0.0/24');
  assert.equal(formatCidr(pickSubnet([parseCidr('10.99.0.0/24')], pools)), '10.99.1.0/24');
  assert.equal(formatCidr(pickSubnet([parseCidr('10.99.0.0/23'), parseCidr('10.98.0.0/28')], pools)), '10.98.0.16/28');
  assert.throws(() => pickSubnet([parseCidr('10.0.0.0/8')], pools), /could not find an available, non-overlapping IPv4 address pool/);
  assert.throws(() => parseAddressPool('base=10.99.0.1/16,size=24'), IpamError);
  assert.throws(() => parseAddressPool('size=24'), /want base=CIDR,size=N/);
});

test('pickSubnet follows Docker default pools, skipping taken ones', () => {
  assert.equal(formatCidr(pickSubnet([])), '172.17.0.0/16');
  assert.equal(formatCidr(pickSubnet([parseCidr('172.17.0.0/16')])), '172.18.0.0/16');
  assert.equal(formatCidr(pickSubnet([parseCidr('172.16.0.0/12')])), '192.168.0.0/20');
  assert.equal(formatCidr(pickSubnet([parseCidr('172.16.0.0/12'), parseCidr('192.168.1.0/24')])), '192.168.16.0/20');
});

test('allocate skips network, gateway, broadcast and used; honours ip-range', () => {
  const s = parseCidr('10.9.0.0/29');
  const used = new Set(['10.9.0.1']);
  assert.equal(allocate(s, used), '10.9.0.2');
  used.add('10.9.0.2');
  assert.equal(allocate(s, used), '10.9.0.3');
  for (let i = 3; i <= 6; i++) used.add(`10.9.0.${i}`);
  assert.throws(() => allocate(s, used), /no available IPv4 addresses/);
  assert.equal(allocate(parseCidr('10.8.0.0/16'), new Set(), parseCidr('10.8.5.0/24')), '10.8.5.0');
  assert.equal(allocate(parseCidr('10.8.0.0/16'), new Set(['10.8.0.1']), parseCidr('10.8.0.0/24')), '10.8.0.2');
});

test('claim checks subnet membership and use', () => {
  const s = parseCidr('10.9.0.0/24');
  assert.equal(claim(s, new Set(), '10.9.0.7'), '10.9.0.7');
  assert.throws(() => claim(s, new Set(['10.9.0.7']), '10.9.0.7'), /Address already in use/);
  assert.throws(() => claim(s, new Set(), '10.10.0.7'), /no configured subnet contains IP address 10\.10\.0\.7/);
  assert.throws(() => claim(s, new Set(), '10.9.0.255'), IpamError);
});

test('macFor is 02:42 and the address bytes, as Docker', () => {
  assert.equal(macFor('172.17.0.2'), '02:42:ac:11:00:02');
});

test('routesFromProc reads /proc/net/route, without the default route', () => {
  const text = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
`;
  const r = routesFromProc(text);
  assert.deepEqual(r.map((x) => `${x.iface} ${formatCidr(x.cidr)}`), ['eth0 192.0.2.0/24', 'docker0 172.17.0.0/16']);
});
