/**
 * Commands over HTTP, for services on the HTTP transport: a long-poll loop against the
 * collector, `GET {url}/api/commands?system=<system>&wait=<s>`, then the handler on each
 * command, one at a time, then `POST {url}/api/commands/ack {ids}` for the handled ones
 * (and for duplicates, invalid and expired ones, which would never succeed). A command
 * whose handler failed is not acknowledged: the collector delivers it again when its
 * lease runs out. Failed requests are reported and retried with backoff (full jitter).
 */
import { fullJitterDelay, type BackoffOptions } from '../backoff.ts';
import { ConfigError, TransportError } from '../errors.ts';
import { COMMANDS_ACK_PATH, COMMANDS_PATH } from '../protocol/command.ts';
import { DEFAULT_COLLECTOR_URL } from '../transports/http-transport.ts';
import type { CommandRunner } from './command-runner.ts';
import { pause } from './pause.ts';

export interface HttpCommandsOptions {
  /** Base URL of the collector. Default `http://127.0.0.1:4100`. */
  url?: string;
  /** Sent as `authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** Long-poll wait per request, 0 to 30 seconds. Default 25. */
  waitSeconds?: number;
  /** Extra time on top of the wait before a request counts as failed. Default 10000. */
  timeoutMs?: number;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

export interface HttpCommandsDeps {
  system: string;
  runner: CommandRunner;
  report: (err: unknown) => void;
  backoff: BackoffOptions;
}

export function checkHttpOptions(options: HttpCommandsOptions): string[] {
  const problems: string[] = [];
  try {
    const base = new URL(options.url ?? DEFAULT_COLLECTOR_URL);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      problems.push(`http.url must be http(s), got ${base.protocol}`);
    }
  } catch {
    problems.push(`http.url "${options.url}" is not a valid URL`);
  }
  const wait = options.waitSeconds ?? 25;
  if (typeof wait !== 'number' || !(wait >= 0 && wait <= 30)) {
    problems.push(`http.waitSeconds must be from 0 to 30, got ${wait}`);
  }
  if (options.apiKey !== undefined && !/^[\x21-\x7e]+$/.test(options.apiKey)) {
    problems.push('http.apiKey must be non-empty printable ASCII without spaces');
  }
  if (typeof (options.fetch ?? globalThis.fetch) !== 'function')
    problems.push('no fetch available');
  return problems;
}

export function startHttpCommands(
  options: HttpCommandsOptions,
  deps: HttpCommandsDeps,
): { stop(): Promise<void> } {
  const problems = checkHttpOptions(options);
  if (problems.length > 0) throw new ConfigError(problems);
  const base = new URL(options.url ?? DEFAULT_COLLECTOR_URL);
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const wait = options.waitSeconds ?? 25;
  const pollUrl = `${root}${COMMANDS_PATH}?system=${encodeURIComponent(deps.system)}&wait=${wait}`;
  const ackUrl = `${root}${COMMANDS_ACK_PATH}`;
  const timeoutMs = (options.timeoutMs ?? 10_000) + wait * 1000;
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const stopping = new AbortController();

  const request = async (what: string, url: string, init: RequestInit): Promise<unknown> => {
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(url, init);
      text = await response.text();
    } catch (err) {
      throw new TransportError(`${what} failed: ${err instanceof Error ? err.message : err}`, {
        retriable: true,
        cause: err,
      });
    }
    if (!response.ok) {
      const status = response.status;
      throw new TransportError(`${what} answered ${status}: ${text.trim().slice(0, 300)}`, {
        retriable: status >= 500 || status === 429 || status === 408,
      });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new TransportError(`${what} answered non-JSON`, { retriable: true, cause: err });
    }
  };

  const poll = async (): Promise<unknown[]> => {
    const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs)]);
    const body = await request(`GET ${pollUrl}`, pollUrl, { headers, signal });
    const commands = (body as { commands?: unknown } | null)?.commands;
    if (!Array.isArray(commands)) {
      throw new TransportError(`GET ${pollUrl}: answer has no commands array`, { retriable: true });
    }
    return commands;
  };

  const ack = async (ids: string[]): Promise<void> => {
    // Not tied to `stopping`: what was handled before stop() is still acknowledged.
    await request(`POST ${ackUrl}`, ackUrl, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ ids }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  };

  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      try {
        const commands = await poll();
        const done: string[] = [];
        for (const command of commands) {
          if (stopping.signal.aborted) break;
          const outcome = await deps.runner.run(command);
          const id = (command as { id?: unknown } | null)?.id;
          if (
            outcome !== 'failed' &&
            outcome !== 'ignored' &&
            typeof id === 'string' &&
            id !== ''
          ) {
            done.push(id);
          }
        }
        if (done.length > 0) await ack(done);
        failures = 0;
      } catch (err) {
        if (stopping.signal.aborted) break;
        deps.report(err);
        await pause(fullJitterDelay(failures, deps.backoff), stopping.signal);
        failures += 1;
      }
    }
  };

  const running = loop().catch((err: unknown) => deps.report(err)); // loop never throws; belt and braces
  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        stopping.abort();
        await running;
      })()),
  };
}
