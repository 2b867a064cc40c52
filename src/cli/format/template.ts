/**
 * @module cli/format/template
 * The part of Go's text/template that docker's `--format` users write: field chains
 * (`{{.Repository}}`, `{{.Config.Env}}`, `{{.}}`), pipelines (`{{.Names | upper}}`), functions
 * (json, upper, lower, title, join, split, index, len, println, printf, truncate, pad, tab),
 * string and number literals, variables from range, and if / else / range / with / end, with
 * `{{-` / `-}}` trimming. Values print as Go's %v prints them.
 */
import { InvalidArgument } from '../../errdefs/index.js';
import { GO_NIL, GO_PTR, GO_STRUCT, GoNilPointer, GoTime, goTypeName, zeroElem } from './go-types.js';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Cmd[] }
  | { kind: 'if'; pipe: Cmd[]; body: Node[]; alt: Node[] }
  | { kind: 'with'; pipe: Cmd[]; body: Node[]; alt: Node[] }
  | { kind: 'range'; pipe: Cmd[]; vars: string[]; body: Node[]; alt: Node[] };
type Arg = { t: 'field'; base: string; path: string[]; at: number; text: string } | { t: 'lit'; v: unknown } | { t: 'fn'; name: string } | { t: 'sub'; pipe: Cmd[] };
type Cmd = Arg[];

export type TemplateFn = (...args: unknown[]) => unknown;

/** A failure while executing (not parsing) a template; `message` is Go's text/template wording. */
export class TemplateExecError extends InvalidArgument {}

export interface ExecuteOptions {
  /** Go's `missingkey=error`: a map key that is absent is an error, not `<no value>`. */
  missingKey?: 'error';
}

const builtins: Record<string, TemplateFn> = {
  // Go's json.Marshal escapes <, > and & (and U+2028/U+2029) for HTML safety; docker's output has them so.
  json: (v) => JSON.stringify(v ?? null).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  upper: (s) => String(s).toUpperCase(),
  lower: (s) => String(s).toLowerCase(),
  title: (s) => String(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  join: (a, sep) => (Array.isArray(a) ? a.map((x) => goString(x)).join(String(sep)) : goString(a)),
  split: (s, sep) => String(s).split(String(sep)),
  index: (v, ...keys) =>
    keys.reduce<unknown>((o, k) => {
      if (o == null) return undefined;
      const x = (o as Record<string, unknown>)[String(k)];
      // Go's index gives the element type's zero value for a missing map key.
      return x === undefined && typeof o === 'object' && !Array.isArray(o) ? zeroElem(o) : x;
    }, v),
  len: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  println: (...a) => a.map((x) => goString(x)).join(' ') + '\n',
  print: (...a) => a.map((x) => goString(x)).join(''),
  printf: (f, ...a) => {
    let i = 0;
    return String(f).replace(/%[-+ #0]*\d*(?:\.\d+)?[svdqtf%]/g, (m) => (m === '%%' ? '%' : m.endsWith('q') ? JSON.stringify(goString(a[i++])) : goString(a[i++])));
  },
  truncate: (s, n) => String(s).slice(0, Number(n)),
  pad: (s, l, r) => ' '.repeat(Number(l)) + goString(s) + ' '.repeat(Number(r)),
  tab: () => '\t',
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  not: (a) => !truthy(a),
  and: (...a) => a.every(truthy),
  or: (...a) => a.find(truthy) ?? a[a.length - 1],
};

/**
 * Formats a value as Go's %v does for the JSON-like values berth passes to templates, and for the
 * typed views of cli/format/go-types (structs print `{a b}`, times as Time.String).
 */
export function goString(v: unknown, depth = 0): string {
  if (v === undefined) return '<no value>';
  if (v === null || v instanceof GoNilPointer) return '<nil>';
  if (v instanceof GoTime) return v.toString();
  if (Array.isArray(v)) return `[${v.map((x) => goString(x, depth + 1)).join(' ')}]`;
  if (typeof v === 'object') {
    // fmt prints a pointer below the top level as an address; berth cannot, and shows `&{…}`.
    const ptr = depth > 0 && GO_PTR in v ? '&' : '';
    if (GO_STRUCT in v) return `${ptr}{${Object.values(v).map((x) => goString(x, depth + 1)).join(' ')}}`;
    const keys = Object.keys(v as object).sort();
    return `${ptr}map[${keys.map((k) => `${k}:${goString((v as Record<string, unknown>)[k], depth + 1)}`).join(' ')}]`;
  }
  return String(v);
}

function truthy(v: unknown): boolean {
  if (v instanceof GoNilPointer) return false;
  if (v instanceof GoTime) return true;
  if (v && typeof v === 'object' && GO_STRUCT in v) return true;
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

interface Token {
  text: string;
  /** Offset in the template source. */
  at: number;
}

function tokenizeAction(src: string, base: number): Token[] {
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|\||:=|,|[^\s|()",]+)/gy;
  const out: Token[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) {
    out.push({ text: m[1]!, at: base + re.lastIndex - m[1]!.length });
    if (re.lastIndex >= src.length) break;
  }
  if (src.slice(re.lastIndex).trim()) throw new InvalidArgument(`template: unexpected "${src.slice(re.lastIndex).trim()}"`);
  return out;
}

function parsePipe(tokens: Token[], pos: { i: number }, stop?: string): Cmd[] {
  const cmds: Cmd[] = [[]];
  while (pos.i < tokens.length) {
    const tok = tokens[pos.i]!;
    const t = tok.text;
    if (t === stop) break;
    pos.i++;
    if (t === '|') cmds.push([]);
    else if (t === '(') {
      const pipe = parsePipe(tokens, pos, ')');
      pos.i++;
      cmds[cmds.length - 1]!.push({ t: 'sub', pipe });
    } else cmds[cmds.length - 1]!.push(parseArg(tok));
  }
  if (cmds.some((c) => c.length === 0)) throw new InvalidArgument('template: missing value for command');
  return cmds;
}

function parseArg(tok: Token): Arg {
  const t = tok.text;
  if (t.startsWith('"')) return { t: 'lit', v: JSON.parse(t) };
  if (t.startsWith('`')) return { t: 'lit', v: t.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(t)) return { t: 'lit', v: Number(t) };
  if (t === 'true' || t === 'false') return { t: 'lit', v: t === 'true' };
  if (t === 'nil') return { t: 'lit', v: null };
  if (t.startsWith('.') || t.startsWith('$')) {
    const parts = t.split('.');
    const base = parts[0] === '' ? '.' : parts[0]!;
    // Go places a chain of fields (`.A.B`, `$x.A`) at its second element, a lone one at itself.
    const second = parts.length > 2 || (base !== '.' && parts.length > 1) ? t.indexOf('.', 1) : 0;
    return { t: 'field', base, path: parts.slice(1).filter((p) => p !== ''), at: tok.at + second, text: t };
  }
  if (!(t in builtins)) throw new InvalidArgument(`template: function "${t}" not defined`);
  return { t: 'fn', name: t };
}

type Part = { text?: string; action?: string; at: number };

export class Template {
  readonly #nodes: Node[];
  readonly #src: string;
  constructor(src: string) {
    this.#src = src;
    const parts: Part[] = [];
    let i = 0;
    while (i < src.length) {
      const open = src.indexOf('{{', i);
      if (open < 0) {
        parts.push({ text: src.slice(i), at: i });
        break;
      }
      let text = src.slice(i, open);
      let start = open + 2;
      if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) {
        text = text.trimEnd();
        start++;
      }
      const close = src.indexOf('}}', start);
      if (close < 0) throw new InvalidArgument('template: unclosed action');
      let body = src.slice(start, close);
      i = close + 2;
      let trimAfter = false;
      if (/\s-$/.test(body)) {
        body = body.slice(0, -1);
        trimAfter = true;
      }
      parts.push({ text, at: i }, { action: body.trim(), at: start + body.length - body.trimStart().length });
      if (trimAfter) while (i < src.length && /\s/.test(src[i]!)) i++;
    }
    const pos = { i: 0 };
    this.#nodes = this.#parseList(parts, pos, false);
    if (pos.i < parts.length) throw new InvalidArgument(`template: unexpected {{${parts[pos.i]!.action}}}`);
  }

  #parseList(parts: Part[], pos: { i: number }, nested: boolean): Node[] {
    const out: Node[] = [];
    while (pos.i < parts.length) {
      const p = parts[pos.i]!;
      if (p.text !== undefined) {
        if (p.text) out.push({ kind: 'text', text: p.text });
        pos.i++;
        continue;
      }
      const a = p.action!;
      const word = a.split(/\s+/)[0]!;
      if (word === 'end' || word === 'else') {
        if (!nested) throw new InvalidArgument(`template: unexpected {{${word}}}`);
        return out;
      }
      pos.i++;
      if (a.startsWith('/*')) continue;
      if (word === 'if' || word === 'with' || word === 'range') {
        out.push(this.#parseBlock(word, a, p.at, parts, pos));
        continue;
      }
      out.push({ kind: 'action', pipe: parsePipe(tokenizeAction(a, p.at), { i: 0 }) });
    }
    if (nested) throw new InvalidArgument('template: unexpected EOF');
    return out;
  }

  /** Parses `{{if|with|range …}} body [{{else [if …]}} alt] {{end}}`; `pos` is past the opening action. */
  #parseBlock(word: 'if' | 'with' | 'range', action: string, at: number, parts: Part[], pos: { i: number }): Node {
    const tokens = tokenizeAction(action.slice(word.length), at + word.length);
    let vars: string[] = [];
    const assign = tokens.findIndex((t) => t.text === ':=');
    if (word === 'range' && assign >= 0) {
      vars = tokens.slice(0, assign).map((t) => t.text).filter((t) => t !== ',');
      tokens.splice(0, assign + 1);
    }
    const pipe = parsePipe(tokens, { i: 0 });
    const body = this.#parseList(parts, pos, true);
    const term = parts[pos.i]?.action;
    const termAt = parts[pos.i]?.at ?? 0;
    if (term === undefined) throw new InvalidArgument(`template: unexpected EOF in ${word}`);
    pos.i++;
    let alt: Node[] = [];
    if (term.startsWith('else')) {
      const rest = term.slice(4).trim();
      if (rest.startsWith('if ')) {
        // `{{else if …}}` is an if nested in the else branch that shares this block's {{end}}.
        alt = [this.#parseBlock('if', rest, termAt + term.indexOf(rest), parts, pos)];
      } else {
        alt = this.#parseList(parts, pos, true);
        if (parts[pos.i]?.action !== 'end') throw new InvalidArgument('template: expected {{end}}');
        pos.i++;
      }
    }
    return word === 'range' ? { kind: 'range', pipe, vars, body, alt } : { kind: word, pipe, body, alt };
  }

  /** Runs the template over `data`; a failure is a TemplateExecError worded as Go's. */
  execute(data: unknown, opts: ExecuteOptions = {}): string {
    let out = '';
    this.#missingKeyError = opts.missingKey === 'error';
    const vars = new Map<string, unknown>([['$', data]]);
    const run = (nodes: Node[], dot: unknown) => {
      for (const n of nodes) {
        if (n.kind === 'text') out += n.text;
        else if (n.kind === 'action') {
          const v = this.#evalPipe(n.pipe, dot, vars);
          out += typeof v === 'string' ? v : goString(v);
        } else if (n.kind === 'if') run(truthy(this.#evalPipe(n.pipe, dot, vars)) ? n.body : n.alt, dot);
        else if (n.kind === 'with') {
          const v = this.#evalPipe(n.pipe, dot, vars);
          if (truthy(v)) run(n.body, v);
          else run(n.alt, dot);
        } else {
          const v = this.#evalPipe(n.pipe, dot, vars);
          const entries: [unknown, unknown][] = Array.isArray(v)
            ? v.map((x, i) => [i, x])
            : v && typeof v === 'object'
              ? Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])
              : [];
          if (entries.length === 0) run(n.alt, dot);
          for (const [k, x] of entries) {
            if (n.vars.length === 1) vars.set(n.vars[0]!, x);
            if (n.vars.length === 2) {
              vars.set(n.vars[0]!, k);
              vars.set(n.vars[1]!, x);
            }
            run(n.body, x);
          }
        }
      }
    };
    run(this.#nodes, data);
    return out;
  }

  #missingKeyError = false;

  /** Go's wording: `template: :LINE:COL: executing "" at <.Field>: MESSAGE`. */
  #fail(a: Arg & { t: 'field' }, message: string): never {
    const before = this.#src.slice(0, a.at);
    const nl = before.lastIndexOf('\n');
    const line = before.split('\n').length;
    throw new TemplateExecError(`template: :${line}:${nl < 0 ? a.at : a.at - nl - 1}: executing "" at <${a.text}>: ${message}`);
  }

  #evalPipe(pipe: Cmd[], dot: unknown, vars: Map<string, unknown>): unknown {
    let prev: unknown;
    pipe.forEach((cmd, i) => {
      const head = cmd[0]!;
      const rest = () => cmd.slice(1).map((a) => this.#evalArg(a, dot, vars));
      if (head.t === 'fn') {
        const fnArgs = rest();
        if (i > 0) fnArgs.push(prev);
        prev = builtins[head.name]!(...fnArgs);
      } else if (cmd.length > 1 || (i > 0 && head.t === 'field')) {
        // A method with arguments (`.Label "key"`), the pipeline's value last, as Go calls it.
        const method = head.t === 'field' ? this.#evalArg(head, dot, vars, false) : undefined;
        if (typeof method !== 'function') {
          if (cmd.length > 1) throw new InvalidArgument('template: can\'t give argument to non-function');
          prev = this.#evalArg(head, dot, vars);
          return;
        }
        const methodArgs = rest();
        if (i > 0) methodArgs.push(prev);
        prev = (method as (...a: unknown[]) => unknown)(...methodArgs);
      } else {
        prev = this.#evalArg(head, dot, vars);
      }
    });
    return prev;
  }

  /** An argument's value; `call` false leaves a method at the end of a field path uncalled. */
  #evalArg(a: Arg, dot: unknown, vars: Map<string, unknown>, call = true): unknown {
    switch (a.t) {
      case 'lit':
        return a.v;
      case 'fn':
        return undefined;
      case 'sub':
        return this.#evalPipe(a.pipe, dot, vars);
      case 'field': {
        let v: unknown = a.base === '.' ? dot : vars.get(a.base);
        if (a.base !== '.' && !vars.has(a.base)) throw new InvalidArgument(`template: undefined variable "${a.base}"`);
        for (const [i, p] of a.path.entries()) v = this.#field(a, v, p, call || i < a.path.length - 1);
        return v;
      }
    }
  }

  /** `.p` on `v` as Go's evalField: structs by field, maps by key, nothing on scalars or nil; a method is called unless `call` is false. */
  #field(a: Arg & { t: 'field' }, v: unknown, p: string, call = true): unknown {
    if (v === undefined) {
      // Go: a missing map entry chained further is itself missing (an error under missingkey=error).
      if (this.#missingKeyError) this.#fail(a, `nil data; no entry for key "${p}"`);
      return undefined;
    }
    if (v === null) this.#fail(a, `nil pointer evaluating interface {}.${p}`);
    if (v instanceof GoNilPointer) this.#fail(a, v.fieldError(p));
    if (typeof v !== 'object' || v instanceof GoTime || Array.isArray(v)) {
      this.#fail(a, `can't evaluate field ${p} in type ${this.#missingKeyError || typeof v === 'object' ? 'interface {}' : typeof v}`);
    }
    const rec = v as Record<string, unknown>;
    if (GO_STRUCT in rec && !Object.hasOwn(rec, p)) {
      this.#fail(a, `can't evaluate field ${p} in type ${GO_PTR in rec ? '*' : ''}${goTypeName(String(rec[GO_STRUCT as never]))}`);
    }
    let x = rec[p];
    if (typeof x === 'function' && call) x = (x as () => unknown)();
    if (x === undefined && this.#missingKeyError && !(GO_NIL in rec)) this.#fail(a, `map has no entry for key "${p}"`);
    return x;
  }
}

/** Adds functions (rare; commands may provide helpers such as `ports`). */
export function registerTemplateFunction(name: string, fn: TemplateFn): void {
  builtins[name] = fn;
}
