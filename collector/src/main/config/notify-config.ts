/**
 * Notifier configuration, read from the environment once, at start. Like `../config.ts`
 * it lists every problem in one `ConfigError`; unlike it, problems never echo URL values
 * (a Slack webhook URL or an SMTP URL holds a secret). A channel is on when its URL is set.
 */
import { EnvReader, type Env } from '../../shared/env-reader.ts';
import { ConfigError } from '../../shared/errors.ts';
import { DEFAULT_ALERTS_TOPIC } from '../../adapters/kafka/notify/kafka-alert-notifier.ts';
import type { NotifyConfig } from '../../adapters/notify/notify-config.ts';

export type { NotifyConfig };

const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
const BARE_ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;
const NAMED_ADDRESS = /^[^<>,;]*<([^<>]+)>$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `alerts@x.org` or `Flowtrail <alerts@x.org>`. */
export function isEmailAddress(value: string): boolean {
  const named = NAMED_ADDRESS.exec(value);
  return BARE_ADDRESS.test(named?.[1] ?? value);
}

export function parseNotifyConfig(env: Env = process.env): NotifyConfig {
  const r = new EnvReader(env);
  const url = (name: string, protocols: string[]): string | undefined => {
    const value = r.raw(name);
    if (value === undefined) return undefined;
    try {
      if (protocols.includes(new URL(value).protocol)) return value;
    } catch {
      // reported below
    }
    r.problems.push(`${name}: expected a ${protocols.map((p) => `${p}//`).join(' or ')} URL`);
    return undefined;
  };

  const config: NotifyConfig = {
    alertsTopic: r.string('FLOWTRAIL_ALERTS_TOPIC', DEFAULT_ALERTS_TOPIC, (v) =>
      TOPIC.test(v) ? undefined : 'is not a valid Kafka topic name',
    ),
    timeoutMs: r.int('FLOWTRAIL_NOTIFY_TIMEOUT_MS', 10_000, 1),
    retry: {
      maxAttempts: r.int('FLOWTRAIL_NOTIFY_MAX_ATTEMPTS', 5, 1, 100),
      minMs: r.int('FLOWTRAIL_NOTIFY_RETRY_MIN_MS', 500, 1),
      maxMs: r.int('FLOWTRAIL_NOTIFY_RETRY_MAX_MS', 30_000, 1),
    },
  };
  if (config.retry.minMs > config.retry.maxMs) {
    r.problems.push(
      `FLOWTRAIL_NOTIFY_RETRY_MIN_MS (${config.retry.minMs}) must not exceed FLOWTRAIL_NOTIFY_RETRY_MAX_MS (${config.retry.maxMs})`,
    );
  }

  const webhookUrl = url('FLOWTRAIL_NOTIFY_WEBHOOK_URL', ['http:', 'https:']);
  const headers = parseHeaders(r);
  if (webhookUrl !== undefined) config.webhook = { url: webhookUrl, headers };
  if (
    r.raw('FLOWTRAIL_NOTIFY_WEBHOOK_HEADERS') !== undefined &&
    r.raw('FLOWTRAIL_NOTIFY_WEBHOOK_URL') === undefined
  ) {
    r.problems.push('FLOWTRAIL_NOTIFY_WEBHOOK_HEADERS is set without FLOWTRAIL_NOTIFY_WEBHOOK_URL');
  }

  const slackUrl = url('FLOWTRAIL_NOTIFY_SLACK_URL', ['http:', 'https:']);
  if (slackUrl !== undefined) config.slack = { url: slackUrl };

  const smtpUrl = url('FLOWTRAIL_NOTIFY_SMTP_URL', ['smtp:', 'smtps:']);
  const from = r.raw('FLOWTRAIL_NOTIFY_EMAIL_FROM');
  const to =
    r.raw('FLOWTRAIL_NOTIFY_EMAIL_TO') === undefined
      ? []
      : r.list('FLOWTRAIL_NOTIFY_EMAIL_TO', '', (a) =>
          isEmailAddress(a) ? undefined : 'is not an e-mail address',
        );
  const routes = parseRoutes(r);
  if (from !== undefined && !isEmailAddress(from)) {
    r.problems.push(`FLOWTRAIL_NOTIFY_EMAIL_FROM=${JSON.stringify(from)}: not an e-mail address`);
  }
  if (r.raw('FLOWTRAIL_NOTIFY_SMTP_URL') !== undefined) {
    if (from === undefined) {
      r.problems.push('FLOWTRAIL_NOTIFY_EMAIL_FROM is required with FLOWTRAIL_NOTIFY_SMTP_URL');
    }
    if (to.length === 0 && Object.keys(routes).length === 0) {
      r.problems.push(
        'FLOWTRAIL_NOTIFY_SMTP_URL needs recipients: set FLOWTRAIL_NOTIFY_EMAIL_TO and/or FLOWTRAIL_NOTIFY_ROUTES',
      );
    }
    if (smtpUrl !== undefined && from !== undefined) {
      config.email = { smtpUrl, from, to, routes };
    }
  } else {
    for (const name of [
      'FLOWTRAIL_NOTIFY_EMAIL_FROM',
      'FLOWTRAIL_NOTIFY_EMAIL_TO',
      'FLOWTRAIL_NOTIFY_ROUTES',
    ]) {
      if (r.raw(name) !== undefined) {
        r.problems.push(`${name} is set without FLOWTRAIL_NOTIFY_SMTP_URL`);
      }
    }
  }

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** `team-payments=pay@x.org,team-ops=ops@x.org`: owner → one address. */
function parseRoutes(r: EnvReader): Record<string, string> {
  const routes: Record<string, string> = {};
  const raw = r.raw('FLOWTRAIL_NOTIFY_ROUTES');
  if (raw === undefined) return routes;
  for (const entry of raw.split(',').map((s) => s.trim())) {
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const owner = eq < 0 ? '' : entry.slice(0, eq).trim();
    const address = eq < 0 ? '' : entry.slice(eq + 1).trim();
    if (owner === '' || !isEmailAddress(address)) {
      r.problems.push(
        `FLOWTRAIL_NOTIFY_ROUTES: ${JSON.stringify(entry)} is not owner=address (e.g. team-ops=ops@example.org)`,
      );
    } else if (Object.hasOwn(routes, owner)) {
      r.problems.push(`FLOWTRAIL_NOTIFY_ROUTES: owner ${JSON.stringify(owner)} is routed twice`);
    } else {
      routes[owner] = address;
    }
  }
  return routes;
}

/** `FLOWTRAIL_NOTIFY_WEBHOOK_HEADERS`: a JSON object of string header values. */
function parseHeaders(r: EnvReader): Record<string, string> {
  const name = 'FLOWTRAIL_NOTIFY_WEBHOOK_HEADERS';
  const raw = r.raw(name);
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    r.problems.push(`${name}: expected a JSON object, e.g. {"authorization":"Bearer …"}`);
    return {};
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!HEADER_NAME.test(key) || typeof value !== 'string' || /[\r\n]/.test(value)) {
      r.problems.push(
        `${name}: header ${JSON.stringify(key)} needs a valid name and a string value`,
      );
    } else {
      headers[key] = value;
    }
  }
  return headers;
}
