// Structured logging with pino. Logs go to stderr so that stdout stays clean for `--json` output.
import { pino, type Logger as PinoLogger } from 'pino';
import { TASKER_DEFAULTS, type LogLevel } from '../core/defaults.js';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: LogLevel;
  name?: string;
}

/** A pino logger writing JSON lines to stderr, at `level` (default TASKER_DEFAULTS.logLevel, `warn`). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? TASKER_DEFAULTS.logLevel;
  return pino({ name: options.name ?? 'tasker', level }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that drops everything (tests and library use without logging). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
