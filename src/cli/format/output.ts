/**
 * @module cli/format/output
 * docker's `--format` handling for list commands: `table` (the default, with a header row),
 * `table TEMPLATE`, `json` (one JSON object per line), or a bare Go template per row.
 */
import { tabulate } from './tabwriter.js';
import { typedView, type InspectKind } from './go-types.js';
import { Template, TemplateExecError } from './template.js';

export interface ListFormat {
  /** The command's default table template, e.g. `table {{.ID}}\t{{.Image}}`. */
  defaultTable: string;
  /** Header text per field name, e.g. { ID: 'CONTAINER ID' } (for a method such as `Label "k"`, a function). */
  headers: Headers;
}

export type Headers = Record<string, string | ((arg: string) => string)>;

/** Renders rows; returns the text to print (ending in a newline unless empty). */
export function renderList(format: string | undefined, rows: readonly object[], spec: ListFormat, quietField?: string): string {
  let f = format && format.length ? format : spec.defaultTable;
  if (f === 'json') f = '{{json .}}';
  if (quietField && !format) f = `{{.${quietField}}}`;
  const table = f.startsWith('table');
  if (table) f = f.slice(5).replace(/^\s+/, '') || spec.defaultTable.slice(5).replace(/^\s+/, '');
  f = f.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const tmpl = new Template(f);
  const lines: string[] = [];
  if (table) lines.push(tmpl.execute(headerRow(spec.headers)));
  for (const r of rows) lines.push(tmpl.execute(r));
  const text = lines.join('\n');
  if (lines.length === 0) return '';
  return (table ? tabulate(text) : text) + '\n';
}

/** A header object answering every field with its upper-case header text. */
function headerRow(headers: Headers): object {
  return new Proxy(
    {},
    {
      get: (_t, k) => (typeof k === 'string' ? headers[k] ?? k.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase() : undefined),
    },
  );
}

/** Renders one value with a template (inspect --format, version --format). */
export function renderOne(format: string, value: unknown): string {
  if (format === 'json') return JSON.stringify(value) + '\n';
  return new Template(format.replace(/\\t/g, '\t').replace(/\\n/g, '\n')).execute(value) + '\n';
}

/**
 * Renders one inspect result as the docker CLI does: the template runs on the typed view of the
 * JSON (cli/format/go-types); if that fails (a field the Go type lacks), once more on the raw JSON
 * with missingkey=error (not for volumes), whose failure is the error returned (`template parsing error: …`).
 */
export function renderInspect(format: string, raw: unknown, kind: InspectKind): { text: string; error?: string } {
  if (format === 'json') return { text: JSON.stringify(raw) + '\n' };
  const tmpl = new Template(format.replace(/\\t/g, '\t').replace(/\\n/g, '\n'));
  try {
    return { text: tmpl.execute(typedView(kind, raw)) + '\n' };
  } catch (e) {
    if (!(e instanceof TemplateExecError)) throw e;
    // The docker CLI keeps no raw JSON of a volume to retry on.
    if (kind === 'volume') return { text: '\n', error: `template parsing error: ${e.message}` };
  }
  try {
    return { text: tmpl.execute(raw, { missingKey: 'error' }) + '\n' };
  } catch (e) {
    if (!(e instanceof TemplateExecError)) throw e;
    // The docker CLI still ends the failed element's output with a newline.
    return { text: '\n', error: `template parsing error: ${e.message}` };
  }
}
