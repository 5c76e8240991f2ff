/** The "send a first event" example that `flowtrail up` prints and the UI shows. Pure. */
import { STRUCTURED_CONTENT_TYPE } from '@flowtrail/sdk/protocol';

/** A curl command posting one `flowtrail.process.started` event to the API at `apiUrl`. */
export function firstEventCurl(apiUrl: string, needsApiKey: boolean, now = new Date()): string {
  const event = {
    specversion: '1.0',
    id: 'first-event-1',
    source: 'orders',
    type: 'flowtrail.process.started',
    time: now.toISOString(),
    ftprocess: 'order-fulfilment',
    ftinstance: 'o-4711',
    data: { businessKeys: { orderId: '4711' } },
  };
  const auth = needsApiKey ? ` \\\n  -H "authorization: Bearer $FLOWTRAIL_API_KEY"` : '';
  return (
    `curl -i -X POST ${apiUrl}/api/events \\\n` +
    `  -H 'content-type: ${STRUCTURED_CONTENT_TYPE}'${auth} \\\n` +
    `  -d '${JSON.stringify(event)}'`
  );
}
