/**
 * Dashboard settings, read ONCE from the environment of the Next.js server (never shipped
 * to the browser): every collector call goes through `lib/api.ts` with these values.
 */
const DEFAULT_API_URL = 'http://127.0.0.1:4100';

function trimmed(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export interface DashboardConfig {
  /** Base URL of the collector's query API (FLOWTRAIL_API_URL). */
  apiUrl: string;
  /** Sent as `authorization: Bearer …` when the collector requires a key (FLOWTRAIL_API_KEY). */
  apiKey?: string;
  /** Trace link template with `{traceId}` (FLOWTRAIL_TRACE_URL), e.g. Jaeger or Tempo. */
  traceUrlTemplate?: string;
  /** Live pages poll this often while the push channel `/api/live` is down (FLOWTRAIL_REFRESH_MS, default 5000). */
  refreshMs: number;
}

function read(env: NodeJS.ProcessEnv): DashboardConfig {
  const apiKey = trimmed(env.FLOWTRAIL_API_KEY);
  const trace = trimmed(env.FLOWTRAIL_TRACE_URL);
  const refresh = Number(env.FLOWTRAIL_REFRESH_MS ?? '5000');
  return {
    apiUrl: (trimmed(env.FLOWTRAIL_API_URL) ?? DEFAULT_API_URL).replace(/\/+$/, ''),
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(trace === undefined ? {} : { traceUrlTemplate: trace }),
    refreshMs: Number.isFinite(refresh) && refresh >= 1000 ? refresh : 5000,
  };
}

export const config: DashboardConfig = read(process.env);

/** The trace link for a W3C trace id, or undefined when no template is configured. */
export function traceUrl(traceId: string): string | undefined {
  return config.traceUrlTemplate?.replaceAll('{traceId}', encodeURIComponent(traceId));
}
