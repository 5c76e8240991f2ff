/**
 * The one rule of the collector for "may this Kafka failure succeed when retried?", used
 * by every kafkajs caller (dead-letter sink, command and ack producers, command feed,
 * alert notifier). kafkajs marks its errors `retriable`; unmarked ones (network errors,
 * timeouts) are worth a retry. "Number of retries exceeded" wraps the error kafkajs was
 * retrying: judge that one, not the wrapper (whose own flag says only that kafkajs gave up).
 */
export function isRetriableKafkaError(err: unknown): boolean {
  let current = err as { name?: string; retriable?: unknown; cause?: unknown } | undefined;
  while (current?.name === 'KafkaJSNumberOfRetriesExceeded' && current.cause !== undefined) {
    current = current.cause as typeof current;
  }
  return current?.retriable !== false;
}
