/**
 * Retries a send whose error says `retriable` (the SDK's TransportError does), with
 * exponential backoff and full jitter; gives up after `attempts` and rethrows.
 */
export async function sendWithRetry(
  send: () => Promise<void>,
  attempts = 8,
  baseMs = 200,
  maxMs = 10_000,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await send();
      return;
    } catch (err) {
      const retriable = (err as { retriable?: unknown }).retriable === true;
      if (!retriable || attempt >= attempts) throw err;
      const delay = Math.random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
