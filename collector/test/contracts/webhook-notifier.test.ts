/**
 * The notifier contract against `WebhookNotifier` and a real `node:http` receiver that
 * reads the generic JSON body.
 */
import { WebhookNotifier } from '../../src/adapters/notify/http-notifiers.ts';
import type { WebhookBody } from '../../src/ports/notifier.ts';
import { httpNotifierChannel } from './http-notifier-channel.ts';
import { describeNotifierContract } from './notifier-contract.ts';

describeNotifierContract('webhook', async () =>
  httpNotifierChannel(
    (options) => new WebhookNotifier(options),
    (body) => {
      const { alertId, kind, status, transition, instance, summary } = JSON.parse(
        body,
      ) as WebhookBody;
      return { alertId, kind, status, transition, instance, summary };
    },
  ),
);
