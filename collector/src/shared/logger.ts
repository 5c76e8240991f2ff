/** Structured JSON logs (pino). One root logger per collector; components use children. */
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../main/config/config.ts';

export type { Logger } from 'pino';

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options = { name: 'flowtrail-collector', level, base: { pid: process.pid } };
  return destination === undefined ? pino(options) : pino(options, destination);
}
