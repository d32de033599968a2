// Logging for workers, supervisors and the coordinator's broker client. Every line passes through
// `redactSecrets`, so a password in an error message from the network layer never reaches a log.
import { redactSecrets as redactUrls } from './broker-url';
import { scrubSecrets } from '../core/secrets';

const redactSecrets = (text: string): string => scrubSecrets(redactUrls(text));

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines carry an extra name (e.g. `evaluator host:pid`). */
  child(name: string): Logger;
}

export interface LoggerOptions {
  name: string;
  format?: 'text' | 'json';
  verbose?: boolean;
  /** Drop lines below this level (debug lines also need `verbose`). */
  minLevel?: LogLevel;
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const format = options.format ?? 'text';
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const floor = order.indexOf(options.minLevel ?? 'debug');
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if ((level === 'debug' && !options.verbose) || order.indexOf(level) < floor) return;
    const text = redactSecrets(message);
    if (format === 'json') {
      write(redactSecrets(JSON.stringify({ time: new Date().toISOString(), level, name: options.name, message: text, ...fields })) + '\n');
      return;
    }
    const extra = fields && Object.keys(fields).length ? ' ' + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
    write(redactSecrets(`${new Date().toISOString()} ${level.padEnd(5)} [${options.name}] ${text}${extra}`) + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (name) => createLogger({ ...options, name: `${options.name} ${name}` }),
  };
}

/** A logger that forwards to a callback (the engine's progress sink) instead of stderr. */
export function callbackLogger(name: string, notify: (level: 'info' | 'warn', message: string) => void, verbose = false): Logger {
  const emit = (level: LogLevel, message: string): void => {
    if (level === 'debug' && !verbose) return;
    notify(level === 'info' || level === 'debug' ? 'info' : 'warn', redactSecrets(`${name}: ${message}`));
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (child) => callbackLogger(`${name} ${child}`, notify, verbose),
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

export function errorText(err: unknown): string {
  return redactSecrets(err instanceof Error ? err.message : String(err));
}
