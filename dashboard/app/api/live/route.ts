/**
 * `GET /api/live` of the dashboard: the collector's push channel, proxied (the browser
 * talks only to the dashboard; the collector address and API key stay on this server).
 * When the collector cannot be reached, the answer is still an event stream — an
 * `unavailable` event and a `retry:` delay — so the browser's `EventSource` keeps
 * reconnecting by itself instead of giving up on an error status.
 */
import { LIVE_STREAM_HEADERS, openLiveUpstream } from '@/lib/live';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Reconnection delay after a failure; long when the collector has no live channel. */
function retryAfter(status: number): number {
  return status === 404 ? 60_000 : 5_000;
}

export async function GET(request: Request): Promise<Response> {
  const lastEventId = request.headers.get('last-event-id') ?? undefined;
  const upstream = await openLiveUpstream(request.signal, lastEventId);
  if (upstream.ok) return new Response(upstream.body, { headers: LIVE_STREAM_HEADERS });
  const data = JSON.stringify({ status: upstream.status, error: upstream.error });
  const body = `retry: ${retryAfter(upstream.status)}\nevent: unavailable\ndata: ${data}\n\n`;
  return new Response(body, { headers: LIVE_STREAM_HEADERS });
}
