// Structured logging with pino. Logs go to stderr so that stdout stays clean for `--json` output.
import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: LevelWithSilent;
  name?: string;
}

/** A pino logger writing JSON lines to stderr; level from options, then TASKER_LOG_LEVEL, then `info`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? (process.env.TASKER_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info';
  return pino({ name: options.name ?? 'tasker', level }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that drops everything (tests and library use without logging). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
