/** Small fetch helpers for the HTTP API tests. */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

export function postStructured(
  base: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return call(`${base}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json', ...headers },
    body,
  });
}

export function postBatch(
  base: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return call(`${base}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json', ...headers },
    body,
  });
}

/** Binary mode: attributes in `ce-*` headers (percent-encoded), `data` as the body. */
export function postBinary(base: string, event: FlowtrailEvent): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || value === undefined) continue;
    headers[`ce-${name}`] = encodeURIComponent(String(value));
  }
  return call(`${base}/api/events`, {
    method: 'POST',
    headers,
    body: JSON.stringify(event.data ?? {}),
  });
}

export const keyPath = (key: string): string => encodeURIComponent(key);
