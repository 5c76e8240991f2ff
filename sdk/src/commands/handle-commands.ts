/**
 * The one-line handler for the collector's commands (docs/sdk.md, "Handling resend
 * commands"):
 *
 *   const commands = handleCommands({ system: 'billing', kafka: { brokers }, handler });
 *   // on shutdown: await commands.stop();
 *
 * Delivery is at least once; the command id is the idempotency key, so the SDK skips ids
 * it already handled (a bounded LRU of `dedupeSize` ids). Your handler's errors are
 * caught, counted (`stats().failed`) and reported through `onError`; nothing here throws
 * into your code after `handleCommands` returned (bad options throw `ConfigError`).
 */
import type { BackoffOptions } from '../backoff.ts';
import { ConfigError, type FlowtrailError } from '../errors.ts';
import {
  CommandRunner,
  safeReporter,
  type CommandHandler,
  type CommandStats,
} from './command-runner.ts';
import {
  checkHttpOptions,
  startHttpCommands,
  type HttpCommandsOptions,
} from './http-command-poller.ts';
import { startKafkaCommands, type KafkaCommandsOptions } from './kafka-command-consumer.ts';

export interface HandleCommandsOptions {
  /** This system's name: only commands with `fttarget === system` reach the handler. */
  system: string;
  /** Resend what the command asks for; resolve when done (then it is acknowledged). */
  handler: CommandHandler;
  /** Read `flowtrail.commands` from Kafka… */
  kafka?: KafkaCommandsOptions;
  /** …or long-poll the collector's HTTP API. Exactly one of the two. */
  http?: HttpCommandsOptions;
  /** Receives every swallowed error. Default: one console warning per error code. */
  onError?: (err: FlowtrailError) => void;
  /** Command ids remembered to skip redeliveries. Default 10000. */
  dedupeSize?: number;
  /** Commands older than this (by `time`) are skipped. Default 24 h; `Infinity` = never. */
  maxAgeMs?: number;
  /** Kafka: in-process retries of a failing handler before giving up. Default 3. */
  maxRetries?: number;
  /** Backoff (full jitter) of retries and of failed requests. Defaults 500 / 30000. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Clock for `maxAgeMs`. Default `() => new Date()`. */
  clock?: () => Date;
}

export interface CommandSubscription {
  /** Stops receiving: lets the running handler finish, acknowledges, disconnects. */
  stop(): Promise<void>;
  /** A snapshot of the counters. */
  stats(): CommandStats;
}

export const DEFAULT_DEDUPE_SIZE = 10_000;
export const DEFAULT_MAX_COMMAND_AGE_MS = 24 * 3600_000;

function defaultOnError(): (err: FlowtrailError) => void {
  const seen = new Set<string>();
  return (err) => {
    if (seen.has(err.code)) return;
    seen.add(err.code);
    console.warn(`[flowtrail] ${err.message} (further "${err.code}" errors are not logged)`);
  };
}

function problemsOf(o: HandleCommandsOptions): string[] {
  const problems: string[] = [];
  if (typeof o?.system !== 'string' || o.system.trim() === '' || /\s/.test(o.system)) {
    problems.push('system: a non-empty name without whitespace is required, e.g. "billing"');
  }
  if (typeof o?.handler !== 'function') problems.push('handler: a function is required');
  if ((o?.kafka === undefined) === (o?.http === undefined)) {
    problems.push('pass exactly one of kafka or http');
  }
  if (o?.kafka !== undefined) {
    const given = [o.kafka.brokers, o.kafka.kafka].filter((x) => x !== undefined);
    if (given.length !== 1) problems.push('kafka: pass exactly one of brokers or kafka');
    if (o.kafka.brokers?.length === 0) problems.push('kafka.brokers must not be empty');
  }
  if (o?.http !== undefined) problems.push(...checkHttpOptions(o.http));
  for (const key of ['dedupeSize', 'initialBackoffMs', 'maxBackoffMs'] as const) {
    const v = o?.[key];
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) {
      problems.push(`${key}: must be a positive integer, got ${String(v)}`);
    }
  }
  if (o?.maxRetries !== undefined && (!Number.isInteger(o.maxRetries) || o.maxRetries < 0)) {
    problems.push(`maxRetries: must be an integer >= 0, got ${String(o.maxRetries)}`);
  }
  if (o?.maxAgeMs !== undefined && !(o.maxAgeMs > 0)) {
    problems.push(`maxAgeMs: must be > 0, got ${String(o.maxAgeMs)}`);
  }
  return problems;
}

/** Starts handling commands for `system`. Throws `ConfigError` (every problem) on bad options. */
export function handleCommands(options: HandleCommandsOptions): CommandSubscription {
  const problems = problemsOf(options);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `handleCommands: ${p}`));
  const report = safeReporter(options.onError ?? defaultOnError());
  const runner = new CommandRunner({
    system: options.system,
    handler: options.handler,
    report,
    dedupeSize: options.dedupeSize ?? DEFAULT_DEDUPE_SIZE,
    maxAgeMs: options.maxAgeMs ?? DEFAULT_MAX_COMMAND_AGE_MS,
    clock: options.clock ?? (() => new Date()),
  });
  const backoff: BackoffOptions = {
    initialBackoffMs: options.initialBackoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 30_000,
  };
  const delivery =
    options.kafka !== undefined
      ? startKafkaCommands(options.kafka, {
          system: options.system,
          runner,
          report,
          backoff,
          maxRetries: options.maxRetries ?? 3,
        })
      : startHttpCommands(options.http as HttpCommandsOptions, {
          system: options.system,
          runner,
          report,
          backoff,
        });
  return { stop: () => delivery.stop(), stats: () => ({ ...runner.stats }) };
}
