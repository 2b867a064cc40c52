/**
 * @module builder/progress/classic
 * Docker's legacy builder output, exactly: each build event becomes the messages dockerd's
 * `/build` stream carries (one `{"stream": …}` per write Docker makes, `{"aux": {"ID": …}}` at
 * the end of each stage). Concatenating the `stream` texts gives what `docker build` prints.
 */
import type { BuildEvent } from '../events.js';

/** One message of the classic stream (before JSON encoding). */
export interface ClassicMessage {
  stream?: string;
  aux?: { ID: string };
}

const RED = '\x1b[91m';
const RESET = '\x1b[0m';

/** Docker's short ID: the first 12 hex characters, without `sha256:`. */
export function truncateId(id: string): string {
  const i = id.indexOf(':');
  return (i >= 0 ? id.slice(i + 1) : id).slice(0, 12);
}

/** The messages Docker writes for one event, in order. */
export function classicMessages(e: BuildEvent): ClassicMessage[] {
  const s = (stream: string): ClassicMessage => ({ stream });
  switch (e.kind) {
    case 'step':
      // printCommand: Fprintf of the step, then Fprintln — two writes.
      return [s(`Step ${e.step}/${e.total} : ${e.text}`), s('\n')];
    case 'triggers':
      return e.count > 1
        ? [s(`# Executing ${e.count} build trigger`), s('s'), s('\n')]
        : [s(`# Executing ${e.count} build trigger`), s('\n')];
    case 'cached':
      return [s(' ---> Using cache\n')];
    case 'cache-miss':
      // berth's own: not in Docker's text (the API sends it as an aux message on request).
      return [];
    case 'container':
      return [s(` ---> Running in ${truncateId(e.id)}\n`)];
    case 'output':
      if (e.data === '') return [];
      return [s(e.stream === 'stderr' ? `${RED}${e.data}${RESET}` : e.data)];
    case 'removed':
      return [s(`Removing intermediate container ${truncateId(e.id)}\n`)];
    case 'note':
      return [s(e.text)];
    case 'image':
      return [s(` ---> ${truncateId(e.id)}\n`)];
    case 'folded':
      return [];
    case 'stage':
      return e.id ? [{ aux: { ID: e.id } }] : [];
    case 'warning':
      return [s(e.stderr ? `${RED}${e.text}${RESET}` : e.text)];
    case 'built':
      return [s(`Successfully built ${truncateId(e.id)}\n`)];
    case 'tagged':
      return [s(`Successfully tagged ${e.name}\n`)];
  }
}

/** What `docker build` prints for a list of events (stream texts only). */
export function classicText(events: readonly BuildEvent[]): string {
  let out = '';
  for (const e of events) for (const m of classicMessages(e)) if (m.stream !== undefined) out += m.stream;
  return out;
}

/** Docker's `[Warning] One or more build-args [A B] were not consumed`, or undefined when all were. */
export function unusedArgsWarning(unused: readonly string[]): string | undefined {
  if (unused.length === 0) return undefined;
  return `[Warning] One or more build-args [${[...unused].sort().join(' ')}] were not consumed\n`;
}
