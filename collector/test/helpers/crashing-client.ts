/**
 * An Elasticsearch client of the test servers whose calls of one method fail when
 * `crashes(args, call)` says so (`call` counts that method's calls from 1): a compactor
 * or writer that "crashes" at a chosen request, for the crash tests of the analytics.
 */
import type { Client } from '@elastic/elasticsearch';
import { testElasticsearch } from './servers.ts';

export function crashingClient<M extends 'bulk' | 'index'>(
  method: M,
  crashes: (args: Parameters<Client[M]>, call: number) => boolean,
): Client {
  const client = testElasticsearch();
  let calls = 0;
  return new Proxy(client, {
    get(inner, property, receiver) {
      if (property !== method) return Reflect.get(inner, property, receiver) as unknown;
      const real = (inner[method] as (...a: unknown[]) => Promise<unknown>).bind(inner);
      return async (...args: Parameters<Client[M]>) => {
        calls += 1;
        if (crashes(args, calls)) throw new Error(`crash at ${method} ${calls}`);
        return real(...args);
      };
    },
  });
}
