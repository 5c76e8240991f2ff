/**
 * The answers of the alert routes (`GET /api/alerts`, `GET /api/alerts/:id`,
 * `POST /api/alerts/:id/acknowledge`, `POST /api/alerts/:id/silence`), called by the HTTP
 * API's handler. Without an alert service the routes answer 503 "alerts not enabled".
 */
import type { IncomingMessage } from 'node:http';
import { readBody } from './body-reader.ts';
import { jsonBodyRefusal } from './content-type.ts';
import { HttpError } from './http-error.ts';
import type { Route } from './routes.ts';
import type { Alert, AlertHistoryEntry, AlertStatus } from '../../domain/alerts/alert.ts';
import type { JsonValue } from '../../domain/detection/finding.ts';
import { parseAcknowledgeBody, parseAlertQuery, parseSilenceBody } from './alert-params.ts';
import { AlertActionError, type AlertService } from '../../app/alerts/alert-service.ts';

/** Action bodies are tiny; refuse anything larger than this. */
const MAX_ACTION_BODY_BYTES = 16 * 1024;

export type AlertRoute = Extract<Route, { name: 'alerts' | 'alert' | 'alert-action' }>;

/** An alert as the API lists it: fixed keys, absent values as null. */
export interface AlertView {
  id: string;
  kind: Alert['kind'];
  status: AlertStatus;
  source: string;
  process: string;
  instance: string;
  step: string | null;
  owner: string | null;
  since: string;
  summary: string;
  group: string;
  relatedKeys: string[];
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  silencedUntil: string | null;
  silencedBy: string | null;
}

/** One alert in full: the list view plus the finding's details and the history. */
export interface AlertDetailView extends AlertView {
  details: { [key: string]: JsonValue };
  history: AlertHistoryEntry[];
}

export function alertView(alert: Alert): AlertView {
  return {
    id: alert.id,
    kind: alert.kind,
    status: alert.status,
    source: alert.source,
    process: alert.process,
    instance: alert.instance,
    step: alert.step ?? null,
    owner: alert.owner ?? null,
    since: alert.since,
    summary: alert.summary,
    group: alert.group,
    relatedKeys: alert.relatedKeys,
    firstSeenAt: alert.firstSeenAt,
    lastSeenAt: alert.lastSeenAt,
    resolvedAt: alert.resolvedAt ?? null,
    acknowledgedBy: alert.acknowledgedBy ?? null,
    acknowledgedAt: alert.acknowledgedAt ?? null,
    silencedUntil: alert.silencedUntil ?? null,
    silencedBy: alert.silencedBy ?? null,
  };
}

/** The list view with the history (`GET /api/alerts?history=true`). */
export function alertViewWithHistory(alert: Alert): AlertView & { history: AlertHistoryEntry[] } {
  return { ...alertView(alert), history: alert.history };
}

export function alertDetailView(alert: Alert): AlertDetailView {
  return { ...alertViewWithHistory(alert), details: alert.details };
}

function notFound(id: string): HttpError {
  return new HttpError(404, `no alert with id "${id}"`);
}

async function act(
  service: AlertService,
  route: Extract<AlertRoute, { name: 'alert-action' }>,
  request: IncomingMessage,
): Promise<AlertDetailView> {
  const refusal = jsonBodyRefusal(request.headers);
  if (refusal !== undefined) {
    request.resume();
    throw new HttpError(415, refusal);
  }
  const body = await readBody(request, MAX_ACTION_BODY_BYTES);
  let alert: Alert | undefined;
  try {
    if (route.action === 'acknowledge') {
      const parsed = parseAcknowledgeBody(body);
      if (!parsed.ok) throw new HttpError(400, 'invalid request body', false, parsed.problems);
      alert = await service.acknowledge(route.id, parsed.query.by);
    } else {
      const parsed = parseSilenceBody(body, new Date());
      if (!parsed.ok) throw new HttpError(400, 'invalid request body', false, parsed.problems);
      alert = await service.silence(route.id, parsed.query.until, parsed.query.by);
    }
  } catch (err) {
    if (err instanceof AlertActionError) {
      throw new HttpError(409, err.message, err.retriable, undefined, { cause: err });
    }
    throw err;
  }
  if (alert === undefined) throw notFound(route.id);
  return alertDetailView(alert);
}

/** The JSON body of an alert route (status 200), or an `HttpError`. */
export async function answerAlertRoute(
  service: AlertService | undefined,
  route: AlertRoute,
  request: IncomingMessage,
  url: URL,
): Promise<unknown> {
  if (service === undefined) {
    request.resume();
    throw new HttpError(503, 'alerts not enabled on this collector');
  }
  switch (route.name) {
    case 'alerts': {
      const parsed = parseAlertQuery(url.searchParams);
      if (!parsed.ok) {
        throw new HttpError(400, 'invalid query parameters', false, parsed.problems);
      }
      const { history, ...query } = parsed.query;
      const page = await service.search(query);
      const view = history === true ? alertViewWithHistory : alertView;
      return { total: page.total, alerts: page.alerts.map(view) };
    }
    case 'alert': {
      const alert = await service.get(route.id);
      if (alert === undefined) throw notFound(route.id);
      return alertDetailView(alert);
    }
    case 'alert-action':
      return act(service, route, request);
  }
}
