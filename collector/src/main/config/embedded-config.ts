/**
 * Configuration of embedded mode (`flowtrail up`): the data directory, the HTTP API and
 * the dashboard (Next.js, `next start` beside the API), from the environment, overridable by command-line flags. Like
 * `parseConfig`, it lists every problem at once (`ConfigError`).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  EnvReader,
  readHttpConfig,
  readLogLevel,
  readMaxEventBytes,
  readNotifyConfig,
  type Env,
  type HttpConfig,
  type LogLevel,
} from './config.ts';
import { ConfigError } from '../../shared/errors.ts';
import type { NotifyConfig } from './notify-config.ts';
import { readDetectionConfig, type DetectionConfig } from './detection-config.ts';

/** `flowtrail up` run from a checkout loads the example definitions of the demo's processes. */
export const DEFAULT_DEFINITIONS_DIR = 'deploy/definitions';

export const DEFAULT_DATA_DIR = '.flowtrail/data';
export const DEFAULT_DASHBOARD_PORT = 3000;
/** The dashboard has no login of its own: it listens on loopback unless told otherwise. */
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';

export interface EmbeddedConfig {
  /** Absolute directory of the SQLite database. */
  dataDir: string;
  http: HttpConfig;
  /** Where the dashboard listens (FLOWTRAIL_DASHBOARD_HOST / _PORT, `--dashboard-port`). */
  dashboardHost: string;
  dashboardPort: number;
  maxEventBytes: number;
  logLevel: LogLevel;
  detection: DetectionConfig;
  notify: NotifyConfig;
}

export interface EmbeddedOverrides {
  dataDir?: string;
  port?: number;
  dashboardPort?: number;
}

/**
 * The dashboard this process starts may post to the API from the browser: its origin
 * joins the allowed ones (docs/security.md), whatever port it was given. Port 0 (any
 * free port) cannot be named in advance; the dashboard's own calls are server-side anyway.
 */
function withDashboardOrigin(http: HttpConfig, host: string, port: number): HttpConfig {
  if (port === 0) return http;
  const name = host.includes(':') ? `[${host}]` : host;
  const loopback = ['127.0.0.1', 'localhost'].includes(host);
  const extra = (loopback ? ['127.0.0.1', 'localhost'] : [name]).map((h) => `http://${h}:${port}`);
  const allowedOrigins = [...new Set([...http.guard.allowedOrigins, ...extra])];
  return { ...http, guard: { ...http.guard, allowedOrigins } };
}

/** Reads the environment (`cwd` anchors a relative data dir); flags override it. */
export function parseEmbeddedConfig(
  env: Env,
  cwd: string,
  overrides: EmbeddedOverrides = {},
): EmbeddedConfig {
  const r = new EnvReader(env);
  const http = readHttpConfig(r);
  const detection = readDetectionConfig(r);
  const definitionsDir =
    detection.definitionsDir !== undefined
      ? resolve(cwd, detection.definitionsDir)
      : existsSync(resolve(cwd, DEFAULT_DEFINITIONS_DIR))
        ? resolve(cwd, DEFAULT_DEFINITIONS_DIR)
        : undefined;
  const notify = readNotifyConfig(env, r);
  const dashboardPort =
    overrides.dashboardPort ?? r.int('FLOWTRAIL_DASHBOARD_PORT', DEFAULT_DASHBOARD_PORT, 0, 65_535);
  const dashboardHost = r.string('FLOWTRAIL_DASHBOARD_HOST', DEFAULT_DASHBOARD_HOST);
  const config: EmbeddedConfig = {
    dataDir: resolve(cwd, overrides.dataDir ?? r.string('FLOWTRAIL_DATA_DIR', DEFAULT_DATA_DIR)),
    http: withDashboardOrigin(
      overrides.port === undefined ? http : { ...http, port: overrides.port },
      dashboardHost,
      dashboardPort,
    ),
    dashboardPort,
    dashboardHost,
    maxEventBytes: readMaxEventBytes(r),
    // `up` talks to a person on stdout; the JSON logs only say what went wrong
    logLevel: readLogLevel(r, 'warn'),
    detection: { ...detection, ...(definitionsDir !== undefined ? { definitionsDir } : {}) },
    notify,
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
