// `flowtrail dlq list|replay|delete` — the dead letters of embedded mode (the SQLite
// `dead_letters` table in the data directory). Safe next to a running `flowtrail up`: the
// database is in WAL mode and every connection waits for locks (busy timeout).
// The logic lives in collector/src/tools/dlq/ (arguments, formatting, replay); this file is IO.
import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { foldInstance } from '../../domain/instance/fold.ts';
import { parseDlqArgs, DLQ_USAGE, type DlqCommand } from '../dlq/dlq-args.ts';
import { formatPage, formatReplayReport, pageJson } from '../dlq/dlq-format.ts';
import {
  deleteLetters,
  failureOf,
  processorRun,
  replayLetters,
  type Failure,
} from '../dlq/dlq-replay.ts';
import type { Env } from '../../main/config/config.ts';
import { FailFastEventWriter } from '../../app/ingest/fail-fast-writer.ts';
import { createLogger } from '../../shared/logger.ts';
import { Metrics } from '../../shared/metrics.ts';
import { databasePath } from '../../adapters/sqlite/sqlite-database.ts';
import { SqliteDeadLetterStore } from '../../adapters/sqlite/sqlite-dead-letter-store.ts';
import { SqliteEventStore } from '../../adapters/sqlite/sqlite-event-store.ts';

export interface DlqIo {
  env: Env;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
}

const kafkaNote = (action: string): string =>
  `flowtrail dlq ${action} --kafka: in Kafka mode the dead letters are the Kafka topic
flowtrail.dlq ($FLOWTRAIL_DLQ_TOPIC), not a table; this command works on the embedded
(SQLite) table only. Read the topic with kcat or Kafka's console consumer:

  kcat -b 127.0.0.1:9092 -C -t flowtrail.dlq -o beginning -e \\
    -f 'offset %o  key %k\\nheaders %h\\nvalue %s\\n\\n'

and replay by producing the (fixed) values to an input topic. See docs/operations.md,
"Inspecting the dead-letter topic".`;

function failureText(what: string, failure: Failure): string {
  return (
    `${what}: ${failure.message}` +
    (failure.retriable ? '\n(the database is busy or unavailable; run the same command again)' : '')
  );
}

export function dlqCommand(args: readonly string[]): Promise<number> {
  return runDlq(args, {
    env: process.env,
    cwd: process.cwd(),
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  });
}

export async function runDlq(args: readonly string[], io: DlqIo): Promise<number> {
  const parsed = parseDlqArgs(args, io.env, io.cwd);
  if (!parsed.ok) {
    if (parsed.help) io.out(DLQ_USAGE);
    else io.err(`${parsed.problems.join('\n')}\n\n${DLQ_USAGE}`);
    return parsed.help ? 0 : 2;
  }
  const { command } = parsed;
  if (command.action === 'kafka') {
    io.err(kafkaNote(command.requested));
    return 2;
  }
  if (!existsSync(databasePath(command.dataDir))) {
    io.err(
      `no embedded Flowtrail database at ${databasePath(command.dataDir)}\n` +
        '(`flowtrail up` creates it; check --data-dir / FLOWTRAIL_DATA_DIR)',
    );
    return 1;
  }
  const table = new SqliteDeadLetterStore({ dataDir: command.dataDir });
  try {
    await table.prepare();
    return await execute(command, table, io);
  } catch (err) {
    io.err(failureText(`flowtrail dlq ${command.action} failed`, failureOf(err)));
    return 1;
  } finally {
    await table.close();
  }
}

async function execute(
  command: Exclude<DlqCommand, { action: 'kafka' }>,
  table: SqliteDeadLetterStore,
  io: DlqIo,
): Promise<number> {
  switch (command.action) {
    case 'list': {
      const page = await table.list({ from: command.from, size: command.size });
      io.out(
        command.json
          ? pageJson(page, command.from, command.size)
          : formatPage(page, command.from, command.dataDir),
      );
      return 0;
    }
    case 'delete': {
      const report = await deleteLetters(table, command.selection);
      io.out(`deleted ${report.deleted} dead letter(s)`);
      if (report.missing.length > 0) io.err(`not found: ${report.missing.join(', ')}`);
      if (report.failure !== undefined) io.err(failureText('delete stopped', report.failure));
      return report.failure === undefined && report.missing.length === 0 ? 0 : 1;
    }
    case 'replay':
      return replay(command, table, io);
  }
}

async function replay(
  command: Extract<DlqCommand, { action: 'replay' }>,
  table: SqliteDeadLetterStore,
  io: DlqIo,
): Promise<number> {
  const store = new SqliteEventStore({ dataDir: command.dataDir });
  await store.prepare();
  const metrics = new Metrics();
  try {
    const run = processorRun({
      writer: new FailFastEventWriter(store),
      fold: foldInstance,
      maxEventBytes: command.maxEventBytes,
      metrics,
      // fold failures and unreadable instances are errors worth seeing; on stderr
      logger: createLogger('error', pino.destination({ fd: 2, sync: true })).child({
        component: 'dlq-replay',
      }),
    });
    const report = await replayLetters(table, run, command.selection);
    io.out(formatReplayReport(report));
    const { statesWritten, foldFailures } = metrics.snapshot();
    if (report.accepted.length > 0) {
      io.out(
        `instance states re-folded: ${statesWritten}` +
          (foldFailures > 0 ? ` (${foldFailures} fold failure(s), see the log)` : ''),
      );
    }
    if (report.failure !== undefined) io.err(failureText('replay stopped', report.failure));
    const clean =
      report.failure === undefined &&
      report.stillRejected.length === 0 &&
      report.missing.length === 0;
    return clean ? 0 : 1;
  } finally {
    await store.close();
  }
}
