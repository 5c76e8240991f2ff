// `flowtrail export --format xes|ocel` — downloads the stored events of the running
// collector as an event log (GET /api/export, streamed) into a file or stdout. A file is
// written next to its destination first and renamed when complete, so a broken download
// never leaves a truncated log behind.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseArgs } from 'node:util';
import { DEFAULT_COLLECTOR_URL } from '@flowtrail/sdk';
import { EXPORT_FORMATS, type ExportFormat } from '../../app/queries/event-export.ts';

const USAGE = `usage: flowtrail export --format xes|ocel [options]

  --format FORMAT    xes (IEEE 1849 XML, streamed) or ocel (OCEL 2.0 JSON)
  --process NAME     only instances of this process
  --source NAME      only instances from this source system
  --out FILE         write to FILE (default: stdout)
  --url URL          collector base URL (default $FLOWTRAIL_URL or ${DEFAULT_COLLECTOR_URL})
  --api-key KEY      bearer key for the collector (default $FLOWTRAIL_API_KEY)`;

export interface ExportArgs {
  format: ExportFormat;
  process?: string;
  source?: string;
  out?: string;
  url: string;
  apiKey?: string;
}

/** Parses the arguments; every problem is listed (unknown options included). */
export function parseExportArgs(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ExportArgs | { problems: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        process: { type: 'string' },
        source: { type: 'string' },
        out: { type: 'string' },
        url: { type: 'string' },
        'api-key': { type: 'string' },
      },
    });
  } catch (err) {
    return { problems: [(err as Error).message] };
  }
  const { values, positionals } = parsed;
  const problems: string[] = [];
  if (positionals.length > 0) problems.push(`unexpected argument: ${positionals.join(' ')}`);
  const format = values.format;
  if (format === undefined) problems.push(`--format is required (${EXPORT_FORMATS.join(' or ')})`);
  else if (!EXPORT_FORMATS.includes(format as ExportFormat)) {
    problems.push(`--format must be ${EXPORT_FORMATS.join(' or ')}, got "${format}"`);
  }
  const url = values.url ?? (env.FLOWTRAIL_URL || DEFAULT_COLLECTOR_URL);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    problems.push(`--url must be an http(s) URL, got "${url}"`);
  }
  for (const name of ['process', 'source', 'out'] as const) {
    if (values[name] === '') problems.push(`--${name} must not be empty`);
  }
  if (problems.length > 0) return { problems };
  const apiKey = values['api-key'] ?? (env.FLOWTRAIL_API_KEY || undefined);
  return {
    format: format as ExportFormat,
    url,
    ...(values.process === undefined ? {} : { process: values.process }),
    ...(values.source === undefined ? {} : { source: values.source }),
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(apiKey === undefined ? {} : { apiKey }),
  };
}

/** The `/api/export` URL for the arguments. */
export function exportUrl(args: ExportArgs): URL {
  const url = new URL('/api/export', args.url);
  url.searchParams.set('format', args.format);
  if (args.process !== undefined) url.searchParams.set('process', args.process);
  if (args.source !== undefined) url.searchParams.set('source', args.source);
  return url;
}

/** One readable line for a non-2xx answer of the API (`{error, problems?}` JSON or text). */
export function describeHttpFailure(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; problems?: unknown };
    const problems = Array.isArray(body.problems) ? `: ${body.problems.join('; ')}` : '';
    if (typeof body.error === 'string')
      return `collector answered ${status}: ${body.error}${problems}`;
  } catch {
    // not JSON
  }
  return `collector answered ${status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`;
}

async function toStdout(body: Readable): Promise<void> {
  for await (const chunk of body) {
    if (!process.stdout.write(chunk as Buffer)) await once(process.stdout, 'drain');
  }
}

async function toFile(body: Readable, out: string): Promise<number> {
  const partial = `${out}.partial-${process.pid}`;
  const file = createWriteStream(partial);
  try {
    await pipeline(body, file);
    await rename(partial, out);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return file.bytesWritten;
}

export async function exportCommand(args: readonly string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const parsed = parseExportArgs(args);
  if ('problems' in parsed) {
    console.error(`${parsed.problems.join('\n')}\n\n${USAGE}`);
    return 2;
  }
  const url = exportUrl(parsed);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: parsed.apiKey === undefined ? {} : { authorization: `Bearer ${parsed.apiKey}` },
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    console.error(
      `cannot reach the collector at ${parsed.url} (${cause?.code ?? cause?.message ?? (err as Error).message}).\n` +
        'Is it running? Start it with `npx flowtrail up`, or point --url / $FLOWTRAIL_URL at it.',
    );
    return 1;
  }
  if (!response.ok || response.body === null) {
    console.error(`export failed: ${describeHttpFailure(response.status, await response.text())}`);
    return 1;
  }
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  try {
    if (parsed.out === undefined) {
      await toStdout(body);
    } else {
      const bytes = await toFile(body, parsed.out);
      console.error(`exported ${parsed.format.toUpperCase()} (${bytes} bytes) to ${parsed.out}`);
    }
  } catch (err) {
    console.error(`export failed: ${(err as Error).message}`);
    return 1;
  }
  return 0;
}
