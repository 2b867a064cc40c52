/**
 * @module cli/build/sending-line
 * The docker CLI's upload line, with "berth" for "Docker": `Sending build context to berth
 * daemon ` + the size right-aligned in 8 columns (go-units HumanSize, 4 significant digits).
 * Updates end in `\r`; the last one in `\r\r\n` (Docker's progress writer adds an empty
 * message after the last update).
 */
import { humanSize } from '../format/units.js';

export function sendingContextLine(bytes: number, update: boolean): string {
  const size = bytes > 0 ? humanSize(bytes, 4).padStart(8) : '';
  return `Sending build context to berth daemon ${size}\r${update ? '' : '\r\n'}`;
}
