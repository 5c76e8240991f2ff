/**
 * The demo's three systems listening for the collector's resend commands with the SDK's
 * one-liner (`handleCommands`, docs/commands.md): over HTTP (`GET /api/commands`, as in
 * embedded mode) or from Kafka's `flowtrail.commands` (Kafka mode), each system's handler
 * from the repair desk (repair-desk.ts). The SDK retries and acknowledges; the desk
 * resumes the held orders.
 */
import { handleCommands, type CommandSubscription, type FlowtrailError } from '@flowtrail/sdk';
import { SYSTEMS } from './plan.ts';
import type { RepairDesk } from './repair-desk.ts';
import type { DemoTransportOptions } from './transports.ts';

export interface DemoCommands {
  /** Stops listening (lets running handlers finish). */
  stop(): Promise<void>;
}

/** Where the commands come from: the collector's HTTP API, or Kafka. */
export type DemoCommandSource =
  | { kind: 'http'; url: string; apiKey?: string }
  | { kind: 'kafka'; brokers: string[]; topic?: string };

/** The command source that matches how the demo sends its events. */
export function commandSourceOf(transport: DemoTransportOptions): DemoCommandSource {
  return transport.kind === 'http'
    ? {
        kind: 'http',
        url: transport.url,
        ...(transport.apiKey === undefined ? {} : { apiKey: transport.apiKey }),
      }
    : { kind: 'kafka', brokers: transport.brokers };
}

export function startDemoCommands(
  desk: RepairDesk,
  source: DemoCommandSource,
  onError: (err: FlowtrailError) => void,
): DemoCommands {
  const subscriptions: CommandSubscription[] = SYSTEMS.map((system) =>
    handleCommands({
      system,
      handler: desk.handlerFor(system),
      // A failed handling comes again: over HTTP after the command's lease (30 s), from
      // Kafka by the SDK's in-process retries (default 3, with backoff).
      onError,
      ...(source.kind === 'http'
        ? {
            http: {
              url: source.url,
              ...(source.apiKey === undefined ? {} : { apiKey: source.apiKey }),
            },
          }
        : {
            kafka: {
              brokers: source.brokers,
              groupId: `flowtrail-demo-commands-${system}`,
              ...(source.topic === undefined ? {} : { topic: source.topic }),
            },
          }),
    }),
  );
  return {
    stop: async () => {
      await Promise.all(subscriptions.map((s) => s.stop()));
    },
  };
}
