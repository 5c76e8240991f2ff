/**
 * Commands from Kafka: a kafkajs consumer group on `flowtrail.commands` (one group per
 * system, default `flowtrail-commands-<system>`, so replicas of a system share the work).
 * Messages keyed by another system are skipped unparsed. Offsets are committed by hand,
 * after the handler resolved (at least once); a redelivered command id already handled
 * is skipped. A failing handler is retried in-process with backoff (`maxRetries`); then
 * the command is given up and committed — the collector's ladder issues a new attempt
 * while the finding stays open. Start-up failures are reported and retried.
 */
import { Kafka, logLevel, type KafkaConfig, type KafkaMessage } from 'kafkajs';
import { fullJitterDelay, type BackoffOptions } from '../backoff.ts';
import { TransportError } from '../errors.ts';
import { DEFAULT_COMMANDS_TOPIC } from '../protocol/command.ts';
import type { CommandOutcome, CommandRunner } from './command-runner.ts';
import { pause } from './pause.ts';

export interface KafkaCommandsOptions {
  /** Bootstrap brokers, e.g. `['127.0.0.1:9092']`; or pass `kafka`. */
  brokers?: string[];
  /** An existing kafkajs client (a consumer is created on it). */
  kafka?: Kafka;
  /** Consumer group. Default `flowtrail-commands-<system>`. */
  groupId?: string;
  /** Default `flowtrail.commands`. */
  topic?: string;
  /** Where a new group starts. Default true: commands issued before the first start count. */
  fromBeginning?: boolean;
  clientId?: string;
  kafkaConfig?: Omit<KafkaConfig, 'brokers'>;
}

export interface KafkaCommandsDeps {
  system: string;
  runner: CommandRunner;
  report: (err: unknown) => void;
  backoff: BackoffOptions;
  maxRetries: number;
}

export function startKafkaCommands(
  options: KafkaCommandsOptions,
  deps: KafkaCommandsDeps,
): { stop(): Promise<void> } {
  const kafka =
    options.kafka ??
    new Kafka({
      clientId: options.clientId ?? `flowtrail-commands-${deps.system}`,
      logLevel: logLevel.NOTHING,
      ...options.kafkaConfig,
      brokers: options.brokers as string[],
    });
  const topic = options.topic ?? DEFAULT_COMMANDS_TOPIC;
  const consumer = kafka.consumer({
    groupId: options.groupId ?? `flowtrail-commands-${deps.system}`,
  });
  const stopping = new AbortController();
  /** The message being handled; stop() lets it finish and commit before disconnecting
   * (kafkajs skips commits once its consumer is stopping). */
  let inFlight: Promise<void> = Promise.resolve();

  const handle = async (message: KafkaMessage): Promise<CommandOutcome> => {
    const key = message.key?.toString('utf8');
    if (key !== undefined && key !== deps.system) return 'ignored';
    let value: unknown;
    try {
      value = JSON.parse(message.value?.toString('utf8') ?? 'null');
    } catch {
      value = { fttarget: key, type: 'not JSON' }; // reported as invalid by the runner
    }
    let outcome = await deps.runner.run(value);
    for (let retry = 0; outcome === 'failed' && retry < deps.maxRetries; retry += 1) {
      await pause(fullJitterDelay(retry, deps.backoff), stopping.signal);
      if (stopping.signal.aborted) return outcome;
      outcome = await deps.runner.run(value);
    }
    return outcome;
  };

  const run = async (): Promise<void> => {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: t, partition, message }) => {
        // Once stopping, leave messages uncommitted: the next start receives them.
        if (stopping.signal.aborted) return;
        const work = (async () => {
          const outcome = await handle(message);
          // Stopped while retrying a failing handler: leave it for the next start too.
          if (outcome === 'failed' && stopping.signal.aborted) return;
          const offset = (BigInt(message.offset) + 1n).toString();
          await consumer.commitOffsets([{ topic: t, partition, offset }]);
        })();
        inFlight = work.catch(() => undefined);
        await work;
      },
    });
  };

  const started = (async () => {
    for (let attempt = 0; !stopping.signal.aborted; attempt += 1) {
      try {
        await run();
        return;
      } catch (err) {
        if (stopping.signal.aborted) return;
        deps.report(
          new TransportError(
            `starting the command consumer on ${topic} failed: ${err instanceof Error ? err.message : err}`,
            { retriable: true, cause: err },
          ),
        );
        await consumer.disconnect().catch(() => undefined);
        await pause(fullJitterDelay(attempt, deps.backoff), stopping.signal);
      }
    }
  })();

  consumer.on(consumer.events.CRASH, ({ payload }) => {
    deps.report(
      new TransportError(`command consumer crashed: ${payload.error.message}`, {
        retriable: payload.restart,
        cause: payload.error,
      }),
    );
  });

  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        stopping.abort();
        await started;
        await inFlight;
        await consumer.disconnect().catch((err: unknown) => deps.report(err));
      })()),
  };
}
