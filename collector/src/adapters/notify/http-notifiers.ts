/**
 * Webhook senders: POST a JSON body with a timeout. `WebhookNotifier` sends the generic
 * body, `SlackNotifier` the Slack-compatible one. Failures become `NotifyError`s:
 * network errors, timeouts, 408/425/429 and 5xx are retriable, other statuses are not.
 */
import { isRetriableHttpStatus, parseRetryAfter } from './classify.ts';
import { slackBody } from './format-slack.ts';
import { webhookBody } from '../../ports/notifier.ts';
import { NotifyError, type Notification, type Notifier } from '../../ports/notifier.ts';

export interface HttpNotifierOptions {
  url: string;
  /** Extra request headers (e.g. `authorization`). */
  headers?: Readonly<Record<string, string>>;
  /** Per request, default 10 s. */
  timeoutMs?: number;
  /** Channel name in errors, logs and counters. */
  name?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** POSTs `format(notification)` as JSON to one URL. */
export class HttpJsonNotifier implements Notifier {
  readonly name: string;

  constructor(
    defaultName: string,
    private readonly format: (n: Notification) => unknown,
    private readonly options: HttpNotifierOptions,
  ) {
    this.name = options.name ?? defaultName;
  }

  async send(notification: Notification): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(this.options.url, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify(this.format(notification)),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      const why = timedOut ? `no answer within ${timeoutMs} ms` : describeNetworkError(err);
      throw new NotifyError(this.name, `POST failed: ${why}`, true, {}, { cause: err });
    }
    // Read the body either way: it frees the connection, and explains a refusal.
    const text = await response.text().catch(() => '');
    if (response.ok) return;
    const retriable = isRetriableHttpStatus(response.status);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    throw new NotifyError(
      this.name,
      `receiver answered ${response.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`,
      retriable,
      { statusCode: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    );
  }

  /** The configured headers; ours win, whatever the case of theirs. */
  private headers(): Headers {
    const headers = new Headers(this.options.headers);
    headers.set('content-type', 'application/json; charset=utf-8');
    if (!headers.has('user-agent')) headers.set('user-agent', 'flowtrail-collector');
    return headers;
  }
}

/** Generic JSON webhook: the notification plus `schemaVersion` (see `ports/notifier.ts`). */
export class WebhookNotifier extends HttpJsonNotifier {
  constructor(options: HttpNotifierOptions) {
    super('webhook', webhookBody, options);
  }
}

/** Slack incoming webhook (or a Slack-compatible receiver): `text` + `blocks`. */
export class SlackNotifier extends HttpJsonNotifier {
  constructor(options: HttpNotifierOptions) {
    super('slack', slackBody, options);
  }
}

/** undici hides the reason (ECONNREFUSED…) in `cause`; never echo the URL (it may hold a token). */
function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
