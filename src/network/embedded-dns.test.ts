import assert from 'node:assert/strict';
import { test } from 'node:test';
import { embeddedDnsRules } from './embedded-dns.js';

test('127.0.0.11:53 goes to the resolver from the container\'s address; loopback from outside is dropped', () => {
  const rules = embeddedDnsRules({ resolver: '10.5.0.1', source: '10.5.0.2' });
  for (const proto of ['udp', 'tcp']) {
    assert.ok(rules.includes(`-A OUTPUT -d 127.0.0.11/32 -p ${proto} -m ${proto} --dport 53 -j DNAT --to-destination 10.5.0.1:53\n`), rules);
    assert.ok(rules.includes(`-A POSTROUTING -s 127.0.0.0/8 -d 10.5.0.1/32 -p ${proto} -m ${proto} --dport 53 -j SNAT --to-source 10.5.0.2\n`), rules);
  }
  assert.ok(rules.includes('*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING ! -i lo -d 127.0.0.0/8 -j DROP\nCOMMIT\n'), rules);
  assert.equal((embeddedDnsRules(undefined).match(/^-A /gm) ?? []).length, 0, 'no target: both tables emptied');
});
