/**
 * @module util/log
 * A namespaced logger writing one line per event to stderr (the daemon redirects stderr to
 * its log file). Levels follow dockerd's --log-level: debug, info, warn, error, fatal.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'fatal';
const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 };
let threshold: Level = 'info';

export function setLogLevel(level: Level): void {
  threshold = level;
}

export function isLevel(s: string): s is Level {
  return s in order;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function logger(namespace: string): Logger {
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (order[level] < order[threshold]) return;
    let line = `time="${new Date().toISOString()}" level=${level} module=${namespace} msg=${JSON.stringify(msg)}`;
    if (fields) for (const [k, v] of Object.entries(fields)) line += ` ${k}=${JSON.stringify(v)}`;
    process.stderr.write(line + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
