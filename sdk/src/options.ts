/**
 * Options of `createFlowtrail`: an options object only. Environment variables are read
 * at the edge by `sdkOptionsFromEnv` (env/env-options.ts).
 */
import { resolve } from 'node:path';
import { defaultDeliveryOptions, type DeliveryOptions } from './delivery-queue.ts';
import { ConfigError, type FlowtrailError } from './errors.ts';
import type { Transport } from './transport.ts';

/**
 * The on-disk spool (docs/sdk.md "The spool"): while the transport is unreachable,
 * batches are written to append-only segment files in `directory` and replayed in order
 * when it answers again; a later process with the same directory replays what an
 * earlier one left.
 */
export interface SpoolOptions {
  /** Directory of the segment files; created if missing. One live process per directory. */
  directory: string;
  /** Upper bound of the segment files together. Default 256 MiB; at least 64 KiB. */
  maxBytes?: number;
  /** fdatasync every spooled batch before it counts as spooled. Default true. */
  fsync?: boolean;
}

export interface ResolvedSpoolOptions {
  /** Absolute. */
  directory: string;
  maxBytes: number;
  fsync: boolean;
}

export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
export const MIN_SPOOL_MAX_BYTES = 64 * 1024;
const spoolKeys = ['directory', 'maxBytes', 'fsync'];

export interface FlowtrailOptions extends Partial<DeliveryOptions> {
  /** This system's name: the CloudEvents `source` of every event, e.g. `billing`. */
  source: string;
  /** Where events go: `new KafkaTransport(...)`, `new MemoryTransport()`, or your own. */
  transport: Transport;
  /** Called with every error the SDK swallows. Default: one console warning per error code. */
  onError?: (err: FlowtrailError) => void;
  /** Clock of the `time` attribute. Default `() => new Date()`. */
  clock?: () => Date;
  /** Event id generator. Default `crypto.randomUUID`. */
  newId?: () => string;
  /** Spool batches to disk while the transport is unreachable. Default: off (memory only). */
  spool?: SpoolOptions;
}

export interface ResolvedOptions extends DeliveryOptions {
  source: string;
  transport: Transport;
  onError: (err: FlowtrailError) => void;
  clock: () => Date;
  newId: () => string;
  spool: ResolvedSpoolOptions | undefined;
}

function defaultOnError(): (err: FlowtrailError) => void {
  const seen = new Set<string>();
  return (err) => {
    if (seen.has(err.code)) return;
    seen.add(err.code);
    console.warn(`[flowtrail] ${err.message} (further "${err.code}" errors are not logged)`);
  };
}

const positiveInts = [
  'maxQueueSize',
  'maxBatchSize',
  'scheduledDelayMs',
  'initialBackoffMs',
  'maxBackoffMs',
  'exportTimeoutMs',
] as const;

/** Applies defaults and checks every option; throws one ConfigError listing all problems. */
export function resolveOptions(options: FlowtrailOptions): ResolvedOptions {
  const problems: string[] = [];
  const opts = (options ?? {}) as Partial<FlowtrailOptions>;
  if (typeof opts.source !== 'string' || opts.source.trim() === '' || /\s/.test(opts.source)) {
    problems.push('source: a non-empty name without whitespace is required, e.g. "billing"');
  }
  const transport = opts.transport as Partial<Transport> | undefined;
  if (typeof transport?.send !== 'function' || typeof transport.close !== 'function') {
    problems.push('transport: an object with send(events) and close() is required');
  }
  const merged = { ...defaultDeliveryOptions };
  for (const key of positiveInts) {
    const value = opts[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value <= 0) {
      problems.push(`${key}: must be a positive integer, got ${String(value)}`);
    } else merged[key] = value;
  }
  if (opts.maxRetries !== undefined) {
    if (!Number.isInteger(opts.maxRetries) || opts.maxRetries < 0) {
      problems.push(`maxRetries: must be an integer >= 0, got ${String(opts.maxRetries)}`);
    } else merged.maxRetries = opts.maxRetries;
  }
  if (merged.maxBatchSize > merged.maxQueueSize) {
    problems.push(
      `maxBatchSize (${merged.maxBatchSize}) must not exceed maxQueueSize (${merged.maxQueueSize})`,
    );
  }
  if (merged.initialBackoffMs > merged.maxBackoffMs) {
    problems.push(
      `initialBackoffMs (${merged.initialBackoffMs}) must not exceed maxBackoffMs (${merged.maxBackoffMs})`,
    );
  }
  for (const key of ['onError', 'clock', 'newId', 'random'] as const) {
    if (opts[key] !== undefined && typeof opts[key] !== 'function') {
      problems.push(`${key}: must be a function`);
    }
  }
  const spool = opts.spool === undefined ? undefined : resolveSpool(opts.spool, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...merged,
    random: opts.random,
    source: opts.source as string,
    transport: opts.transport as Transport,
    onError: opts.onError ?? defaultOnError(),
    clock: opts.clock ?? (() => new Date()),
    newId: opts.newId ?? (() => crypto.randomUUID()),
    spool,
  };
}

function resolveSpool(value: unknown, problems: string[]): ResolvedSpoolOptions | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('spool: must be an object { directory, maxBytes?, fsync? }');
    return undefined;
  }
  const spool = value as Partial<Record<string, unknown>>;
  for (const key of Object.keys(spool)) {
    if (!spoolKeys.includes(key)) {
      problems.push(`spool.${key}: unknown option (known: ${spoolKeys.join(', ')})`);
    }
  }
  const { directory, maxBytes = DEFAULT_SPOOL_MAX_BYTES, fsync = true } = spool;
  const before = problems.length;
  if (typeof directory !== 'string' || directory.trim() === '' || directory.includes('\0')) {
    problems.push(
      'spool.directory: a directory path is required, e.g. "/var/lib/orders/flowtrail"',
    );
  }
  if (
    typeof maxBytes !== 'number' ||
    !Number.isInteger(maxBytes) ||
    maxBytes < MIN_SPOOL_MAX_BYTES
  ) {
    problems.push(
      `spool.maxBytes: must be an integer >= ${MIN_SPOOL_MAX_BYTES} (64 KiB), got ${String(maxBytes)}`,
    );
  }
  if (typeof fsync !== 'boolean')
    problems.push(`spool.fsync: must be a boolean, got ${String(fsync)}`);
  if (problems.length > before) return undefined;
  return {
    directory: resolve(directory as string),
    maxBytes: maxBytes as number,
    fsync: fsync as boolean,
  };
}
