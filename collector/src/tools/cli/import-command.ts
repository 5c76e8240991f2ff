// `flowtrail import <file>` — reads an XES or CSV event log (streamed), turns each case
// into the Flowtrail events of one process instance and sends them to the collector's
// HTTP ingest (POST /api/events), which validates, stores and folds them like any other
// events. Event ids are deterministic, so importing a file twice stores it once.
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_COLLECTOR_URL, HttpTransport, type FlowtrailEvent } from '@flowtrail/sdk';
import {
  createImportSummarizer,
  readEventLog,
  toFlowtrailEvents,
  type ImportSummary,
} from '../eventlog/index.ts';
import { Progress, type ProgressCounts } from './progress.ts';
import { sendWithRetry } from './send-with-retry.ts';

const USAGE = `usage: flowtrail import <file.xes|file.csv[.gz]> [options]

  --url URL          collector base URL (default $FLOWTRAIL_URL or ${DEFAULT_COLLECTOR_URL})
  --api-key KEY      bearer key for the collector (default $FLOWTRAIL_API_KEY)
  --source NAME      the system the log came from (default "import")
  --process NAME     process name (default: the log's name)
  --batch-size N     events per request (default 500)
  --dry-run          read and convert only; print the summary`;

interface ImportArgs {
  file: string;
  url: string;
  apiKey: string | undefined;
  source: string | undefined;
  process: string | undefined;
  batchSize: number;
  dryRun: boolean;
}

export function parseImportArgs(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ImportArgs | { problems: string[] } {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      'api-key': { type: 'string' },
      source: { type: 'string' },
      process: { type: 'string' },
      'batch-size': { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
  });
  const problems: string[] = [];
  if (positionals.length !== 1) problems.push('give exactly one event log file');
  const batchSize = Number(values['batch-size'] ?? 500);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    problems.push('--batch-size must be an integer between 1 and 10000');
  }
  if (problems.length > 0) return { problems };
  return {
    file: positionals[0] as string,
    url: values.url ?? env.FLOWTRAIL_URL ?? DEFAULT_COLLECTOR_URL,
    apiKey: values['api-key'] ?? (env.FLOWTRAIL_API_KEY || undefined), // empty = unset
    source: values.source,
    process: values.process,
    batchSize,
    dryRun: values['dry-run'] ?? false,
  };
}

export function formatImportSummary(
  summary: ImportSummary,
  sent: number,
  rejected: number,
): string {
  const lines = [
    `log:        ${summary.log ?? '(unnamed)'}`,
    `cases:      ${summary.cases}`,
    `events:     ${summary.events}`,
    `activities: ${summary.activities}`,
    `rejected rows: ${summary.rejected}${
      summary.rejected > 0 ? ` (${JSON.stringify(summary.rejectedByReason)})` : ''
    }`,
    `flowtrail events sent: ${sent}, rejected by the collector: ${rejected}`,
  ];
  for (const r of summary.rejections.slice(0, 10)) lines.push(`  ${JSON.stringify(r)}`);
  return lines.join('\n');
}

export async function importCommand(args: readonly string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  let parsed: ReturnType<typeof parseImportArgs>;
  try {
    parsed = parseImportArgs(args);
  } catch (err) {
    parsed = { problems: [(err as Error).message] };
  }
  if ('problems' in parsed) {
    console.error(`${parsed.problems.join('\n')}\n\n${USAGE}`);
    return 2;
  }
  const size = (await stat(parsed.file)).size;
  const counts: ProgressCounts = { cases: 0, events: 0, sent: 0, rejected: 0, fraction: 0 };
  const progress = new Progress();
  const summarizer = createImportSummarizer();
  const transport = new HttpTransport({
    url: parsed.url,
    ...(parsed.apiKey !== undefined ? { apiKey: parsed.apiKey } : {}),
    onRejected: (rejections) => {
      counts.rejected += rejections.length;
      for (const r of rejections.slice(0, 3)) console.error(`rejected: ${JSON.stringify(r)}`);
    },
  });
  let batch: FlowtrailEvent[] = [];
  const flush = async () => {
    if (batch.length === 0 || parsed.dryRun) return;
    const sending = batch;
    batch = [];
    await sendWithRetry(() => transport.send(sending));
    counts.sent += sending.length;
  };
  let logName: string | undefined;
  try {
    const items = readEventLog(parsed.file, {
      onBytesRead: (bytes) => (counts.fraction = size > 0 ? bytes / size : 1),
    });
    for await (const item of items) {
      summarizer.add(item);
      if (item.kind === 'log') logName = item.log.name;
      if (item.kind !== 'case') continue;
      counts.cases += 1;
      counts.events += item.case.events.length;
      batch.push(
        ...toFlowtrailEvents(item.case, {
          ...(logName !== undefined ? { logName } : {}),
          ...(parsed.source !== undefined ? { source: parsed.source } : {}),
          ...(parsed.process !== undefined ? { process: parsed.process } : {}),
        }),
      );
      if (batch.length >= parsed.batchSize) await flush();
      progress.update(counts);
    }
    await flush();
  } catch (err) {
    progress.done(counts);
    console.error(`import failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await transport.close();
  }
  counts.fraction = 1;
  progress.done(counts);
  console.log(formatImportSummary(summarizer.summary(), counts.sent, counts.rejected));
  return counts.rejected > 0 ? 1 : 0;
}
