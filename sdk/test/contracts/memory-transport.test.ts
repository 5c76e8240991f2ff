/**
 * The transport contract against `MemoryTransport`: its `events` are what it received;
 * refusing and unreachable are its documented `failNext` (a non-retriable and the
 * default retriable `TransportError`).
 */
import { MemoryTransport, TransportError } from '../../src/index.ts';
import { describeTransportContract } from './transport-contract.ts';

describeTransportContract('memory', async () => ({
  async open(behaviour) {
    const transport = new MemoryTransport();
    if (behaviour === 'refuse') {
      transport.failNext(1, () => new TransportError('refused for good', { retriable: false }));
    }
    if (behaviour === 'unreachable') transport.failNext(1);
    return {
      transport,
      received: async () => transport.events,
      close: () => transport.close(),
    };
  },
}));
