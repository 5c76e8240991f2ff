/**
 * Embedded mode with detection for the detection tests: the real SQLite stores in a temp
 * dir, the real HTTP API on a free port, detection configured but (by default) not
 * running on a timer, so tests drive `sweeper.sweepOnce(at)` by hand.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { DetectionDefinition } from '../../src/domain/detection/consistency.ts';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { Notifier } from '../../src/ports/notifier.ts';
import type { DetectionConfig } from '../../src/main/config/detection-config.ts';
import type { Sweeper } from '../../src/app/detection/sweeper.ts';
import { call, postBatch, type Answer } from '../http/http-client.ts';

export const logger = createLogger('silent');

export interface Harness {
  app: RunningEmbedded;
  base: string;
  dir: string;
  sweeper: Sweeper;
  close(): Promise<void>;
}

export interface HarnessOptions {
  detection?: Partial<DetectionConfig>;
  /** Written as definition files (JSON is YAML) into a temp definitions dir. */
  definitions?: readonly DetectionDefinition[];
  /** Raw definition files (`name` → YAML text), written next to `definitions`. */
  definitionFiles?: Record<string, string>;
  notifier?: Notifier;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'flowtrail-detection-'));
  let definitionsDir: string | undefined;
  if (options.definitions !== undefined || options.definitionFiles !== undefined) {
    definitionsDir = join(dir, 'definitions');
    await mkdir(definitionsDir);
    for (const [name, text] of Object.entries(options.definitionFiles ?? {})) {
      await writeFile(join(definitionsDir, name), text);
    }
    for (const d of options.definitions ?? []) {
      const { process, version, start, steps } = d;
      const text = JSON.stringify({
        process,
        version,
        ...(start !== undefined ? { start } : {}),
        steps: steps.map((s) => ({
          name: s.name,
          ...(s.next !== undefined ? { next: s.next } : {}),
        })),
      });
      await writeFile(join(definitionsDir, `${process}.yaml`), text);
    }
  }
  const detection: DetectionConfig = {
    enabled: false,
    intervalMs: 1000,
    graceMs: 30_000,
    limit: 5000,
    eventsLimit: 5000,
    learnedRefreshMs: 300_000,
    learnedMaxInstances: 0,
    learnedHorizonMs: 2_592_000_000,
    ...(definitionsDir !== undefined ? { definitionsDir } : {}),
    ...options.detection,
  };
  const app = await startEmbedded({
    dataDir: join(dir, 'data'),
    http: { host: '127.0.0.1', port: 0 },
    logger,
    detection,
    ...(options.notifier !== undefined ? { notifier: options.notifier } : {}),
  });
  const sweeper = app.detection?.sweeper;
  if (sweeper === undefined) throw new Error('detection did not start');
  return {
    app,
    base: app.api.url,
    dir,
    sweeper,
    close: async () => {
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Posts events in batches (batch mode); every answer must be 2xx. */
export async function postEvents(
  base: string,
  events: readonly FlowtrailEvent[],
  batchSize = 200,
): Promise<void> {
  for (let i = 0; i < events.length; i += batchSize) {
    const answer = await postBatch(base, JSON.stringify(events.slice(i, i + batchSize)));
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(`ingest answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
  }
}

export interface ListedAlert {
  id: string;
  kind: string;
  status: string;
  source: string;
  process: string;
  instance: string;
  step: string | null;
  owner: string | null;
  since: string;
  summary: string;
  [key: string]: unknown;
}

export async function listAlerts(base: string, query = ''): Promise<ListedAlert[]> {
  const answer: Answer = await call(`${base}/api/alerts${query}`);
  if (answer.status !== 200) throw new Error(`GET /api/alerts answered ${answer.status}`);
  return (answer.body as { alerts: ListedAlert[] }).alerts;
}

export interface CommandsAnswer {
  commands: {
    id: string;
    fttarget: string;
    ftprocess: string;
    ftinstance: string;
    data: Record<string, unknown>;
  }[];
}

/** `GET /api/commands?system=…` (wait 0): the pending commands, leased. */
export async function pendingCommands(
  base: string,
  system: string,
): Promise<CommandsAnswer['commands']> {
  const answer = await call(`${base}/api/commands?system=${encodeURIComponent(system)}&max=1000`);
  if (answer.status !== 200) throw new Error(`GET /api/commands answered ${answer.status}`);
  return (answer.body as CommandsAnswer).commands;
}

export async function alertDetail(
  base: string,
  id: string,
): Promise<ListedAlert & { history: { at: string; status: string; note?: string }[] }> {
  const answer = await call(`${base}/api/alerts/${encodeURIComponent(id)}`);
  if (answer.status !== 200) throw new Error(`GET alert answered ${answer.status}`);
  return answer.body as ListedAlert & { history: { at: string; status: string; note?: string }[] };
}
