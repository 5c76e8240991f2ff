/**
 * The channel of an HTTP notifier (webhook, Slack) for the notifier contract: a real
 * `node:http` receiver (`../notify/receivers.ts`) per target, answering 200, 503, 400,
 * or not listening at all; what it received read back by a channel-specific decoder.
 */
import type { Notifier } from '../../src/ports/notifier.ts';
import { startHttpReceiver, type HttpReceiver } from '../notify/receivers.ts';
import type { DeliveredFacts, NotifierUnderTest, ReceiverBehaviour } from './notifier-contract.ts';

/** What the receiver answers, request by request (then 200). */
const ANSWERS: Record<ReceiverBehaviour, number[]> = {
  accept: [],
  transient: [503, 503, 503],
  permanent: [400, 400, 400],
  unreachable: [],
};

async function receiver(behaviour: ReceiverBehaviour): Promise<HttpReceiver> {
  const http = await startHttpReceiver(ANSWERS[behaviour]);
  if (behaviour === 'unreachable') await http.close(); // its URL now refuses connections
  return http;
}

export function httpNotifierChannel(
  notifier: (options: { url: string; timeoutMs: number }) => Notifier,
  decode: (body: string) => Partial<DeliveredFacts>,
): NotifierUnderTest {
  return {
    async open(behaviour) {
      const http = await receiver(behaviour);
      const status = ANSWERS[behaviour][0];
      return {
        notifier: notifier({ url: http.url, timeoutMs: 5_000 }),
        // Only the requests answered 200 were delivered.
        delivered: async () =>
          http.requests
            .filter((_, i) => (ANSWERS[behaviour][i] ?? 200) === 200)
            .map((r) => decode(r.body)),
        ...(status === undefined ? {} : { failureDetails: { statusCode: status } }),
        close: () => (behaviour === 'unreachable' ? Promise.resolve() : http.close()),
      };
    },
  };
}
