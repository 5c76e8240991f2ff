/**
 * The answer of `POST /api/events`: the binding mode from the headers (content-type.ts),
 * the body within the body limit (body-reader.ts), the units within the events-per-request
 * cap (ingest-request.ts; a large batch body piece by piece between turns of the event
 * loop, batch-pieces.ts), then the HTTP ingest of the application (202 with the outcome,
 * stored in sub-batches, app/ingest/event-ingest.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { EventIngest } from '../../app/ingest/event-ingest.ts';
import { parseBatchInPieces } from './batch-pieces.ts';
import { readBody } from './body-reader.ts';
import { ingestModeOf } from './content-type.ts';
import { HttpError } from './http-error.ts';
import { parseIngestRequest } from './ingest-request.ts';

export interface IngestRouteDeps {
  ingest?: EventIngest;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  /** The 404 message of a node without ingest. */
  absent?: string;
}

export async function answerIngest(
  deps: IngestRouteDeps,
  request: IncomingMessage,
): Promise<{ status: number; body: unknown }> {
  if (deps.ingest === undefined) {
    request.resume();
    throw new HttpError(404, deps.absent ?? 'ingest is not enabled on this node');
  }
  const mode = ingestModeOf(request.headers['content-type'], 'ce-specversion' in request.headers);
  if (!mode.ok) {
    await readBody(request, deps.maxBodyBytes).catch(() => undefined); // drain
    throw new HttpError(mode.status, mode.error);
  }
  const body = await readBody(request, deps.maxBodyBytes);
  const { ingest } = deps;
  const parsed =
    mode.mode === 'batch'
      ? await parseBatchInPieces(
          body,
          request.headers,
          ingest.maxEventBytes,
          deps.maxEventsPerRequest,
          () => ingest.nextTurn(),
        )
      : parseIngestRequest(
          mode.mode,
          body,
          request.headers,
          ingest.maxEventBytes,
          deps.maxEventsPerRequest,
        );
  if (!parsed.ok) throw new HttpError(parsed.status, parsed.error);
  return { status: 202, body: await ingest.ingest(parsed.units) };
}
