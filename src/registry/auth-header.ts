/**
 * @module registry/auth-header
 * Parses `WWW-Authenticate` challenges as RFC 7235 writes them and registries send them:
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"`,
 * `Basic realm="Registry Realm"`. Several challenges may share one header.
 */

export interface Challenge {
  /** Lowercase scheme: `bearer`, `basic`. */
  scheme: string;
  /** Parameters with lowercase names. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** All challenges in a header value, in order. */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let s = header;
  let cur: Challenge | undefined;
  const skipWs = () => {
    s = s.replace(/^[\s,]+/, '');
  };
  for (skipWs(); s.length > 0; skipWs()) {
    const m = TOKEN.exec(s);
    if (!m) {
      s = s.slice(1);
      continue;
    }
    const word = m[0];
    const rest = s.slice(word.length).replace(/^\s*/, '');
    if (rest.startsWith('=') && cur) {
      // name=value (a parameter of the current challenge)
      s = rest.slice(1).replace(/^\s*/, '');
      let value: string;
      if (s.startsWith('"')) {
        let i = 1;
        value = '';
        for (; i < s.length && s[i] !== '"'; i++) {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i];
        }
        s = s.slice(i + 1);
      } else {
        const v = /^[^,\s]*/.exec(s)![0];
        value = v;
        s = s.slice(v.length);
      }
      cur.params[word.toLowerCase()] = value;
    } else {
      cur = { scheme: word.toLowerCase(), params: {} };
      out.push(cur);
      s = rest;
    }
  }
  return out;
}
