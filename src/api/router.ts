/**
 * @module api/router
 * A route is a method, a path pattern and a handler. Patterns use `{name}` for one path segment
 * and `{name*}` for one or more segments (image names contain `/` and `:`). Routes are tried in
 * order, so put fixed paths (`/images/json`) before patterns that could swallow them.
 */
import type { Ctx } from './context.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: Method;
  path: string;
  handler: (ctx: Ctx) => Promise<void> | void;
}

interface Compiled {
  route: Route;
  re: RegExp;
  names: string[];
}

export class Router {
  readonly #compiled: Compiled[];

  constructor(routes: Route[]) {
    this.#compiled = routes.map((route) => {
      const names: string[] = [];
      const src = route.path
        .split('/')
        .map((seg) => {
          const m = /^\{(\w+)(\*?)\}$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(m[1]!);
          return m[2] ? '(.+)' : '([^/]+)';
        })
        .join('/');
      return { route, re: new RegExp(`^${src}/?$`), names };
    });
  }

  /** The route for a method and path, with decoded parameters; undefined when none matches. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const m = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    for (const want of m) {
      for (const c of this.#compiled) {
        if (c.route.method !== want) continue;
        const r = c.re.exec(path);
        if (!r) continue;
        const params: Record<string, string> = {};
        c.names.forEach((n, i) => (params[n] = decodeURIComponent(r[i + 1]!)));
        return { route: c.route, params };
      }
    }
    return undefined;
  }
}
