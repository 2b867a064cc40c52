/**
 * @module dockerfile/instructions/validate
 * Checks of values Docker validates when the step runs (after expansion): `--chmod` (octal up
 * to 07777 or a symbolic mode like `u+x,go=r`) and STOPSIGNAL (a signal number or name, with
 * or without SIG). For the builder's steps and for `build --check`.
 */
import { InvalidArgument } from '../../errdefs/index.js';

const symbolicMode = /^[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+(?:,[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+)*$/;

/** Throws InvalidArgument unless `chmod` is a valid `--chmod` value. */
export function checkChmod(chmod: string): void {
  if (/^[0-7]+$/.test(chmod)) {
    if (Number.parseInt(chmod, 8) <= 0o7777) return;
  } else if (symbolicMode.test(chmod)) return;
  throw new InvalidArgument(`invalid chmod parameter: '${chmod}'. it should be octal string and between 0 and 07777`);
}

const signalNames = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL', 'PROF', 'PWR', 'QUIT',
  'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1', 'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ',
  'RTMIN', 'RTMAX',
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `RTMAX-${i + 1}`),
]);

/** Throws InvalidArgument (`Invalid signal: X`) unless `signal` names a Linux signal. */
export function checkSignal(signal: string): void {
  if (/^[+-]?[0-9]+$/.test(signal)) {
    if (Number(signal) !== 0) return;
  } else {
    const name = signal.toUpperCase();
    if (signalNames.has(name.startsWith('SIG') ? name.slice(3) : name)) return;
  }
  throw new InvalidArgument(`Invalid signal: ${signal}`);
}
