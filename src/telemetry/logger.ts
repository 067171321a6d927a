// Structured logging with pino. Logs go to stderr so that stdout stays clean for `--json` output: JSON lines, or
// human-readable lines (pino-pretty, loaded only when chosen) for a terminal.
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { TASKER_DEFAULTS, type LogFormat, type LogLevel } from '../core/defaults.js';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: LogLevel;
  /** `json`, `pretty`, or `auto` (the default): pretty when stderr is a terminal, else JSON. */
  format?: LogFormat;
  name?: string;
}

/** The format `auto` stands for here: pretty on a terminal, JSON for a file, a pipe or a log collector. */
export function effectiveLogFormat(format: LogFormat): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return process.stderr.isTTY ? 'pretty' : 'json';
}

/** A pino logger writing to stderr at `level` (default TASKER_DEFAULTS.logLevel, `warn`), in `format`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? TASKER_DEFAULTS.logLevel;
  const stderr = pino.destination({ fd: 2, sync: false });
  const pretty = effectiveLogFormat(options.format ?? TASKER_DEFAULTS.logFormat) === 'pretty';
  return pino({ name: options.name ?? 'tasker', level }, pretty ? prettyLines(stderr) : stderr);
}

/** A logger that drops everything (tests and library use without logging). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

interface PinoPretty {
  prettyFactory(options: {
    colorize?: boolean;
    translateTime?: string;
    ignore?: string;
    singleLine?: boolean;
  }): (line: string) => string;
}

/**
 * Each JSON line turned into a human-readable one before it is written, in the same call (nothing is buffered
 * in between, so a line written just before the process exits is not lost). pino-pretty is required here, on first
 * use: a process logging JSON never loads it.
 */
function prettyLines(out: DestinationStream): DestinationStream {
  const require = createRequire(import.meta.url);
  const { prettyFactory } = require('pino-pretty') as PinoPretty;
  const prettify = prettyFactory({
    colorize: process.stderr.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
  });
  return { write: (line: string) => out.write(prettify(line)) };
}
