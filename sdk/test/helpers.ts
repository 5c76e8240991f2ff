/** Shared test helpers: a client on a MemoryTransport with a fixed clock, collecting errors. */
import { createFlowtrail, MemoryTransport } from '../src/index.ts';
import type { Flowtrail, FlowtrailError, FlowtrailOptions } from '../src/index.ts';

export const T0 = new Date('2025-03-01T10:00:00.000Z');

export interface TestClient {
  ft: Flowtrail;
  transport: MemoryTransport;
  errors: FlowtrailError[];
}

export function testClient(options: Partial<FlowtrailOptions> = {}): TestClient {
  const transport = new MemoryTransport();
  const errors: FlowtrailError[] = [];
  const ft = createFlowtrail({
    source: 'billing',
    transport,
    clock: () => T0,
    onError: (err) => errors.push(err),
    random: () => 0.5,
    ...options,
  });
  return { ft, transport: (options.transport as MemoryTransport) ?? transport, errors };
}
