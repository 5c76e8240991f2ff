/** Structured JSON logs (pino). One root logger per collector; components use children. */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options = { name: 'flowtrail-collector', level, base: { pid: process.pid } };
  return destination === undefined ? pino(options) : pino(options, destination);
}
