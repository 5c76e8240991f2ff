/**
 * The checks every request passes before routing (docs/security.md), pure: headers in, a
 * refusal (`HttpError`) or nothing out.
 *
 * - Host allowlist (DNS rebinding): a loopback-bound API answers only requests whose
 *   `Host` is one of its loopback names (`127.0.0.1:<port>`, `localhost:<port>`,
 *   `[::1]:<port>`) or a configured one; a page on `evil.example` that re-resolves its
 *   name to 127.0.0.1 still sends `Host: evil.example`. → 403.
 * - Cross-site writes (CSRF, even without an API key): POST/PUT/DELETE/PATCH whose
 *   `Origin` is present and neither the API's own nor an allowed one, or whose
 *   `Sec-Fetch-Site` is `cross-site` (unless the `Origin` is explicitly allowed), → 403.
 *   Requests without either header (curl, the SDK, the dashboard's server-side fetch)
 *   pass: browsers always send `Origin` on cross-origin POSTs.
 * - A declared `Content-Length` over the body limit → 413 before a byte is read.
 */
import { HttpError } from './http-error.ts';
import type { RequestHeaders } from './ingest-request.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

export interface GuardRules {
  /** Accepted `Host` values (lower case); undefined = any. */
  hosts: ReadonlySet<string> | undefined;
  /** Origins (`URL.origin` form) allowed besides the request's own. */
  origins: ReadonlySet<string>;
  maxBodyBytes: number;
}

/** What the server checks before routing (request-guard.ts) and how long a body may take. */
export interface RequestGuard {
  rules: GuardRules;
  bodyTimeoutMs: number;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Whether the API listens on a loopback address only. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The accepted `Host` values of an API bound to `bindHost:port`: the loopback names
 * (on loopback) plus the configured ones (`name` → `name` and `name:<port>`); undefined
 * (no check) for a non-loopback binding without configured names.
 */
export function hostAllowlist(
  bindHost: string,
  port: number,
  configured: readonly string[],
): ReadonlySet<string> | undefined {
  const loopback = isLoopback(bindHost);
  if (!loopback && configured.length === 0) return undefined;
  const hosts = new Set<string>();
  if (loopback) {
    const bound = bindHost.includes(':') ? `[${bindHost.replace(/^\[|\]$/g, '')}]` : bindHost;
    for (const name of ['127.0.0.1', 'localhost', '[::1]', bound.toLowerCase()]) {
      hosts.add(`${name}:${port}`);
    }
  }
  for (const name of configured) {
    const lower = name.toLowerCase();
    hosts.add(lower);
    if (!/:\d+$/.test(lower)) hosts.add(`${lower}:${port}`);
  }
  return hosts;
}

/** The normalized origin of a configured entry (`URL.origin`), or undefined if it is none. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

function ownOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** The refusal of a request by the rules above, or undefined when it may go on. */
export function guardRequest(
  method: string,
  headers: RequestHeaders,
  rules: GuardRules,
): HttpError | undefined {
  const host = first(headers.host)?.trim().toLowerCase();
  if (rules.hosts !== undefined && (host === undefined || !rules.hosts.has(host))) {
    return new HttpError(
      403,
      `host ${JSON.stringify(host ?? '')} is not allowed: call the API by one of its names ` +
        '(127.0.0.1, localhost, [::1] or FLOWTRAIL_HTTP_ALLOWED_HOSTS)',
    );
  }
  if (STATE_CHANGING.has(method)) {
    const origin = first(headers.origin)?.trim();
    const allowed = origin !== undefined && (rules.origins.has(origin) || ownOrigin(origin, host));
    if (origin !== undefined && !allowed) {
      return new HttpError(
        403,
        `cross-origin ${method} refused: origin ${JSON.stringify(origin)} is not allowed ` +
          '(FLOWTRAIL_HTTP_ALLOWED_ORIGINS)',
      );
    }
    const site = first(headers['sec-fetch-site'])?.trim().toLowerCase();
    if (site === 'cross-site' && !(origin !== undefined && rules.origins.has(origin))) {
      return new HttpError(403, `cross-site ${method} refused (sec-fetch-site: cross-site)`);
    }
  }
  const declared = first(headers['content-length']);
  if (declared !== undefined && /^\d+$/.test(declared.trim())) {
    if (Number(declared) > rules.maxBodyBytes) {
      return new HttpError(
        413,
        `request body is larger than the limit of ${rules.maxBodyBytes} bytes`,
      );
    }
  }
  return undefined;
}
