/** Detection settings from the environment (parsed once at start, every problem listed). */
import { ConfigError } from '../../shared/errors.ts';
import { EnvReader, type Env } from '../../shared/env-reader.ts';
import type { SweepSettings } from '../../app/detection/sweeper.ts';

export interface DetectionConfig extends SweepSettings {
  enabled: boolean;
  /** Directory of process definitions (`*.yaml`); none when unset. */
  definitionsDir?: string;
  /** How often learned deadlines are recomputed from history. */
  learnedRefreshMs: number;
  /** Most recently active instances per process they are computed from (0: none). */
  learnedMaxInstances: number;
  /** Only instances whose last event is at most this old count. */
  learnedHorizonMs: number;
}

/** FLOWTRAIL_DEFINITIONS_DIR: the process definitions' directory (collector and query node). */
export function readDefinitionsDir(r: EnvReader): string | undefined {
  return r.raw('FLOWTRAIL_DEFINITIONS_DIR');
}

export function readDetectionConfig(r: EnvReader): DetectionConfig {
  const definitionsDir = readDefinitionsDir(r);
  const timelineUrl = r.raw('FLOWTRAIL_TIMELINE_URL');
  // The stuck rule's delivery grace; unset, the sweeper uses the consistency grace.
  const stuckGrace =
    r.raw('FLOWTRAIL_STUCK_GRACE_MS') === undefined
      ? {}
      : { stuckGraceMs: r.int('FLOWTRAIL_STUCK_GRACE_MS', 30_000, 0, 86_400_000) };
  return {
    ...stuckGrace,
    enabled: r.bool('FLOWTRAIL_DETECTION', true),
    intervalMs: r.int('FLOWTRAIL_SWEEP_INTERVAL_MS', 1000, 100, 3_600_000),
    graceMs: r.int('FLOWTRAIL_GRACE_MS', 30_000, 0, 86_400_000),
    limit: r.int('FLOWTRAIL_SWEEP_LIMIT', 5000, 1, 10_000),
    eventsLimit: r.int('FLOWTRAIL_SWEEP_EVENTS_LIMIT', 500, 0, 10_000),
    learnedRefreshMs: r.int('FLOWTRAIL_LEARNED_REFRESH_MS', 300_000, 1000, 86_400_000),
    learnedMaxInstances: r.int('FLOWTRAIL_LEARNED_MAX_INSTANCES', 1000, 0, 1_000_000),
    learnedHorizonMs: r.int('FLOWTRAIL_LEARNED_HORIZON_MS', 2_592_000_000, 60_000, 315_360_000_000),
    ...(definitionsDir !== undefined ? { definitionsDir } : {}),
    ...(timelineUrl !== undefined ? { timelineUrl } : {}),
  };
}

export function parseDetectionConfig(env: Env = process.env): DetectionConfig {
  const r = new EnvReader(env);
  const config = readDetectionConfig(r);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
