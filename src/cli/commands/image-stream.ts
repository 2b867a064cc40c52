/**
 * @module cli/commands/image-stream
 * Shows a JSON message stream (import, load) as docker's jsonmessage does without a
 * terminal: `stream` text as is, `status` lines (prefixed by `id: `), and the first error
 * ends the command with exit status 1.
 */
import type { JsonMessage } from '../../api/types/images.js';
import type { CliContext } from '../command.js';
import { ExitError } from '../command.js';

export function jsonMessagePrinter(ctx: CliContext): { onMessage: (m: Record<string, unknown>) => void; finish: () => void } {
  let error: string | undefined;
  return {
    onMessage: (raw) => {
      const m = raw as JsonMessage;
      if (m.errorDetail || m.error) {
        error ??= m.errorDetail?.message ?? m.error ?? 'unknown error';
        return;
      }
      if (m.stream !== undefined) ctx.out(m.stream);
      else if (m.status !== undefined) ctx.out(`${m.id ? `${m.id}: ` : ''}${m.status}\n`);
    },
    finish: () => {
      if (error !== undefined) throw new ExitError(1, error);
    },
  };
}
