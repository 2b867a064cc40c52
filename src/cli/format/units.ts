/**
 * @module cli/format/units
 * Human sizes and durations exactly as docker prints them (go-units HumanSize with docker's
 * precision 3, HumanDuration), and Go's %g number formatting they rest on.
 */

/**
 * `x` with at most `digits` significant digits, as Go's `%.{digits}g` prints it: the shorter of
 * fixed and exponent notation, trailing zeros removed, exponent as e+03.
 */
export function formatSignificant(x: number, digits: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  let s = x.toPrecision(digits);
  // toPrecision may round up into the next power of ten (999.9 -> "1.00e+3").
  const useExp = s.includes('e') || exp < -4 || exp >= digits;
  if (useExp) {
    const [m, e] = x.toExponential(digits - 1).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  return s;
}

const decimalUnits = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const binaryUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** go-units HumanSizeWithPrecision (decimal units); docker's tables use precision 3. */
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < decimalUnits.length - 1) {
    size /= 1000;
    i++;
  }
  return `${formatSignificant(size, precision)}${decimalUnits[i]}`;
}

/** go-units BytesSize (binary units, precision 4): `docker info` memory, `system df` not. */
export function bytesSize(bytes: number): string {
  let size = bytes;
  let i = 0;
  while (size >= 1024 && i < binaryUnits.length - 1) {
    size /= 1024;
    i++;
  }
  return `${formatSignificant(size, 4)}${binaryUnits[i]}`;
}

/** go-units HumanDuration: "Less than a second", "About a minute", "3 weeks", … */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  const minutes = Math.trunc(ms / 60_000);
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

/** "3 weeks ago" for a unix-seconds timestamp, as docker's CREATED columns. */
export function since(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(now - unixSeconds * 1000)} ago`;
}
