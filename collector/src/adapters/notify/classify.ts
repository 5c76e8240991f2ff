/**
 * Which failures are worth retrying, per channel. Pure functions, unit-tested; the
 * sender adapters use them to set `NotifyError.retriable`.
 */
import { isRetriable as isRetriableCollectorError } from '../../shared/errors.ts';
import { NotifyError } from '../../ports/notifier.ts';

/** HTTP: 408, 425, 429 and every 5xx may succeed later; other 4xx never will. */
export function isRetriableHttpStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

/** `Retry-After` (seconds or an HTTP date) in milliseconds, or undefined. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** nodemailer error codes that mean the connection failed, not that the message was refused. */
const SMTP_CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY']);

/**
 * SMTP (nodemailer errors): a 4xx reply is transient, a 5xx reply permanent (RFC 5321);
 * without a reply, connection-level failures are transient and everything else (bad
 * configuration, missing credentials, bad message) is not.
 */
export function isRetriableSmtpError(err: unknown): boolean {
  const { responseCode, code } = (err ?? {}) as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode === 'number') return responseCode >= 400 && responseCode < 500;
  return typeof code === 'string' && SMTP_CONNECTION_CODES.has(code);
}

/** What the retry wrapper asks: a `NotifyError` or collector error that says so. Else no. */
export function isRetriableNotifyFailure(err: unknown): boolean {
  if (err instanceof NotifyError) return err.retriable;
  return isRetriableCollectorError(err);
}
