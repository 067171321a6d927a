// Test support: a real pino logger writing JSON lines into memory, so tests can assert on what was logged (level,
// message, fields) without a file or a child process.
import { Writable } from 'node:stream';
import { pino, type LevelWithSilent } from 'pino';
import type { Logger } from '../../src/telemetry/logger.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface MemoryLog {
  logger: Logger;
  lines: LogLine[];
  /** Lines whose message contains `text`. */
  find(text: string): LogLine[];
}

export const LEVEL = { warn: 40, error: 50, info: 30 } as const;

export function memoryLogger(level: LevelWithSilent = 'warn'): MemoryLog {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const logger = pino({ level }, stream);
  return { logger, lines, find: (text) => lines.filter((l) => l.msg.includes(text)) };
}
