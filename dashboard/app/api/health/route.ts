/**
 * Liveness of the dashboard server itself (used by `flowtrail up` to know that
 * `next start` serves); it does not call the collector.
 */
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}
